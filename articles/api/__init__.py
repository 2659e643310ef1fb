"""The archive's read-only JSON API (Django REST Framework): serializers, pagination, views, URLs."""
