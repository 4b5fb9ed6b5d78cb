"""The desk's own pages, inside the admin (its login and header): the one-click queue."""

from django.contrib.admin import site
from django.urls import path

from desk import views

app_name = "desk"
urlpatterns = [
    path("queue/", site.admin_view(views.queue_view), name="queue"),
    path("queue/<int:pk>/", site.admin_view(views.moderate_view), name="moderate"),
    path("queue/<int:pk>/reply/", site.admin_view(views.reply_view), name="reply"),
    path("alerts/", site.admin_view(views.alerts_view), name="alerts"),
    path("queue/<int:pk>/rule/", site.admin_view(views.address_rule_view), name="address_rule"),
]
