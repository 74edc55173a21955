from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static


def index(request: HttpRequest) -> HttpResponse:
    # The hashed name comes from the manifest that `collectstatic` wrote at build time.
    return HttpResponse(
        f'<!doctype html><link rel="stylesheet" href="{static("site.css")}">'
        "<h1>django-site</h1>"
    )
