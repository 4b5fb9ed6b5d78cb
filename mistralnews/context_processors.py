from django.conf import settings


def page_cache(request):
    """How long templates keep their {% cache %} fragments (see articles/caching.py)."""
    return {"page_cache_timeout": settings.PAGE_CACHE_TIMEOUT}
