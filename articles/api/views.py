"""The read-only JSON API, /api/v1/: the archive's records, its search and its timeline.

Lists take the site's own filters (django-filter's FilterSets of the HTML lists) and page by
keyset cursors; search takes the site's query syntax and filters and answers what the results
page shows, in the same order. Anonymous clients are rate-limited (settings.ARCHIVE_API_ANON_RATE).
"""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import search
from ..converters import TextSlugConverter
from ..criteria import AGENCY_CHOICES, FACET_SIZE, ArticleFilter, CriteriaError, PhotoFilter, facet_values, order_fields
from ..criteria import search_criteria as criteria_of
from ..models import Article, Author, MediaItem, Section, Suggestion, Tag
from ..paging import PER_PAGE
from ..records import (
    ArticleSerializer,
    AuthorSerializer,
    CorrectionSerializer,
    MonthCountSerializer,
    PhotoSerializer,
    SearchHitSerializer,
    SectionSerializer,
    TagSerializer,
    links_attach,
)
from ..search import months
from ..search.query import MAX_QUERY_LENGTH
from .pagination import PAGE_SIZE_SCHEMA, KeysetPagination, page_size, position_link, position_of


class KeysetViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = KeysetPagination
    keyset = ["name", "id"]
    error_statuses = {"list": ("400", "404"), "retrieve": ("404",)}

    def keyset_fields(self, request):
        return self.keyset


@extend_schema_view(
    retrieve=extend_schema(
        description="One article whole: its text, date and the date's source, photos, tags and provenance."
    )
)
class ArticleViewSet(KeysetViewSet):
    """Articles, newest first (``order``: newest, oldest, title; undated last in both date orders),
    with the article list's filters."""

    queryset = Article.objects.whole()
    serializer_class = ArticleSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ArticleFilter

    def keyset_fields(self, request):
        return order_fields(request.query_params.get("order"), request.query_params)

    def paginate_queryset(self, queryset):
        return links_attach(super().paginate_queryset(queryset))

    def get_object(self):
        return links_attach([super().get_object()])[0]


class PhotoViewSet(KeysetViewSet):
    """Photos, the most recently added first, as the photo list shows them."""

    queryset = MediaItem.objects.all()
    serializer_class = PhotoSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = PhotoFilter
    keyset = ["-id"]


class TagViewSet(KeysetViewSet):
    """Tags by name, with their aliases (searched together with them)."""

    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    lookup_field = "slug"
    lookup_value_regex = TextSlugConverter.regex  # as the site's pages: any script, never a NUL


class CorrectionViewSet(KeysetViewSet):
    """Corrections readers suggested and editors accepted, the latest accepted first: what each
    changed (the value it replaced and the one it gave), the evidence and the credit. Pending
    and rejected suggestions are never shown."""

    queryset = Suggestion.objects.filter(status=Suggestion.Status.ACCEPTED).select_related("article", "photo")
    serializer_class = CorrectionSerializer
    keyset = ["-id"]


class SectionViewSet(TagViewSet):
    """Sections by name, with how many articles each holds."""

    queryset = Section.objects.all()
    serializer_class = SectionSerializer


class AuthorViewSet(TagViewSet):
    """Authors by name, with how many articles each signed; a name guessed from an address of
    the original site says so (``name_is_guess``)."""

    queryset = Author.objects.all()
    serializer_class = AuthorSerializer


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1},
        required=True,
        description='Words, "phrases", OR, -exclude, title: author: tag: … A query of very common words '
        f"only (the, of) is refused with a 400; one longer than {MAX_QUERY_LENGTH} characters is cut there.",
        examples=[OpenApiExample("Words", value="syria ceasefire"), OpenApiExample("Phrase", value='"arab spring"')],
    ),
    OpenApiParameter("section", str, description="A section: its slug or its name"),
    OpenApiParameter("author", str, description="An author: the slug, the name, or part of it that fits one"),
    OpenApiParameter("tag", str, description="A tag: the slug, any of its names, or part of one that fits one"),
    OpenApiParameter("year", {"type": "integer", "minimum": 1900, "maximum": 2100}, description="A year"),
    OpenApiParameter("agency", str, enum=[value for value, _ in AGENCY_CHOICES if value], description="A photo agency"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD, not before `from`"),
]


FACET_PARAMS = ("year", "agency", "section", "author", "tag")


def facet_records(facets):
    """The search's facets as the results page names and counts them, each value as its filter
    takes it; every facet present, empty or not."""
    found = facet_values(facets)
    return {
        param: [{"value": value, "name": name, "count": n} for value, name, n in found.get(param, [])]
        for param in FACET_PARAMS
    }


class FacetSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="As the filter of the same name takes it.")
    name = serializers.CharField()
    count = serializers.IntegerField()


def search_criteria(request):
    """The request's query and filters, as the results page reads them; 400 when unusable."""
    try:
        return criteria_of(request.query_params)
    except CriteriaError as error:
        raise ValidationError(error.errors) from None


class SearchView(APIView):
    error_statuses = ("400", "404")

    @extend_schema(
        parameters=[
            *SEARCH_PARAMETERS,
            OpenApiParameter("order", str, enum=["relevance", "newest", "oldest"], description="Relevance first"),
            OpenApiParameter("cursor", str, description="From the previous page's next address."),
            OpenApiParameter("page_size", PAGE_SIZE_SCHEMA, description=f"Hits a page (default {PER_PAGE})."),
        ],
        responses=inline_serializer(
            "SearchPage",
            {
                "query": serializers.CharField(),
                "count": serializers.IntegerField(help_text="Every match, exactly."),
                "next": serializers.URLField(allow_null=True),
                "facets": inline_serializer(
                    "SearchFacets",
                    {name: FacetSerializer(many=True) for name in FACET_PARAMS},
                    help_text=f"Counts over every match: years and agencies all, the others the {FACET_SIZE} most.",
                ),
                "facets_sample": serializers.IntegerField(
                    help_text="0 when the facet counts are exact; otherwise the number of matches, a uniform "
                    "sample of every match, that they are estimated from."
                ),
                "results": SearchHitSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        """Search: every match ranked (BM25; recency breaks ties), as the site's results page."""
        criteria = search_criteria(request)
        start, size = position_of(request), page_size(request)
        matches = search.find(criteria.query, criteria.filters, criteria.order, shown=slice(start, start + size))
        if start and start >= matches.total:
            raise NotFound("This page link is damaged, or the matches have changed since.")
        ids = matches.ids[start : start + size]
        by_pk = Article.objects.whole().in_bulk(ids)
        links_attach(list(by_pk.values()))
        hits = []
        for rank, pk in enumerate(ids, start + 1):
            if pk in by_pk:
                by_pk[pk].rank = rank
                hits.append(by_pk[pk])
        return Response(
            {
                "query": criteria.query.text,
                "count": matches.total,
                "next": position_link(request, start + size) if start + size < matches.total else None,
                "facets": facet_records(matches.facets),
                "facets_sample": matches.facets.sample,
                "results": SearchHitSerializer(hits, many=True, context={"request": request}).data,
            }
        )


class SearchMonthsView(APIView):
    error_statuses = ("400",)

    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses=inline_serializer(
            "SearchMonths",
            {
                "query": serializers.CharField(),
                "total": serializers.IntegerField(help_text="Matches dated in these months (not the undated)."),
                "months": MonthCountSerializer(many=True),
            },
        ),
    )
    def get(self, request):
        """A search's matches per month, 2005–2017, over every match (the timeline's numbers)."""
        criteria = search_criteria(request)
        found = months.points(criteria.query, criteria.filters)
        return Response(
            {
                "query": criteria.query.text,
                "total": sum(p.matches for p in found),
                "months": months.as_records(found),
            }
        )
