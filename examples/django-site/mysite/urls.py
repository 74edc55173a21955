from django.urls import include, path

from mysite import views

urlpatterns = [
    path("", views.index),
    path("", include("health.urls")),
]
