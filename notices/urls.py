from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("follow/<slug:slug>/", views.follow, name="follow"),
    path("follow/confirm/<str:token>/", views.confirm_follow, name="confirm_follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("manage/<str:token>/forget/", views.forget, name="forget"),
]
