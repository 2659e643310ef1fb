"""Template helpers of the archive's pages."""

from django import template
from django.utils.dates import MONTHS
from django.utils.html import format_html

from .. import citing
from ..models import Article

register = template.Library()


@register.filter
def month_name(number):
    try:
        return MONTHS.get(int(number), "")
    except (ValueError, TypeError):
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


@register.filter
def highwire(citation):
    """The ``citation_*`` meta tags of a citation, as (name, content)."""
    return citing.highwire(citation)


@register.filter
def styles(citation):
    """(key, label, HTML) of the citation in each style."""
    return [(key, label, citing.as_html(style(citation))) for key, (label, style) in citing.STYLES.items()]
