"""Template helpers of the archive's pages."""
from django import template
from django.utils.html import format_html

from ..models import Article

register = template.Library()

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@register.simple_tag(takes_context=True)
def page_url(context, link):
    """The current address with a page link's parameters (None removes a parameter)."""
    return _with(context["request"].GET, link.params)


@register.simple_tag(takes_context=True)
def with_param(context, key, value):
    """The current address with one parameter set (or removed when value is None), page reset."""
    return _with(context["request"].GET, {"page": None, "cursor": None, key: value})


def _with(query, changes):
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def month_name(number):
    try:
        return MONTHS[int(number) - 1]
    except (ValueError, TypeError, IndexError):
        return ""


@register.inclusion_tag("includes/article_date.html")
def article_date(article, link=True):
    """The date of an article, with where it came from when it is not certain."""
    source = article.date_source
    estimated = source == Article.DateSource.MEDIA_ID
    return {
        "article": article,
        "date": article.published_on,
        "estimated": estimated,
        "note": "" if article.date_is_certain or not article.published_on else Article.DateSource(source).label,
        "link": link,
    }


@register.simple_tag
def count_label(count, capped, noun="article"):
    """ "1 article", "1,234 articles", "more than 10,000 articles"."""
    plural = noun if count == 1 else f"{noun}s"
    if capped:
        return format_html("more than {} {}", f"{count:,}", plural)
    return format_html("{} {}", f"{count:,}", plural)
