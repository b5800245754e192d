"""Work pages under /cases/: queues, the case page and its actions, exports, saved views."""

from django.urls import path

from . import views_work as v

urlpatterns = [
    path("dispatch/", v.dispatch_queue, name="dispatch_queue"),
    path("dispatch/batch/", v.dispatch_batch, name="dispatch_batch"),
    path("dispatch/counts/", v.dispatch_counts, name="dispatch_counts"),
    path("unit/", v.unit_queue, name="unit_queue"),
    path("all/", v.all_cases, name="all"),
    path("mine/", v.mine, name="mine"),
    path("export.xlsx", v.export, name="export"),
    path("views/save/", v.saved_view_save, name="saved_view_save"),
    path("views/<int:view_id>/", v.saved_view_apply, name="saved_view_apply"),
    path("views/<int:view_id>/delete/", v.saved_view_delete, name="saved_view_delete"),
    path("<int:pk>/", v.detail, name="detail"),
    path("<int:pk>/do/<slug:key>/", v.act, name="act"),
    path("<int:pk>/contact/reveal/", v.reveal_contact, name="reveal_contact"),
    path("<int:pk>/files/<int:attachment_id>/", v.attachment, name="attachment"),
]
