"""Pages of hotspots (堵点), mounted at /insight/hotspots/."""

from django.urls import path

from . import hotspot_task_views as tasks
from . import hotspots_views as views

app_name = "insight_hotspots"
urlpatterns = [
    path("", views.hotspot_list, name="list"),
    path("run/", views.hotspot_run, name="run"),
    path("progress/", views.hotspot_progress, name="progress"),
    path("<int:pk>/", views.hotspot_detail, name="detail"),
    path("<int:pk>/escalate/", views.hotspot_escalate, name="escalate"),
    # 类案督办: a problem turned into one systemic task, its answer and its approval.
    path("<int:pk>/task/", tasks.task_create, name="task_create"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/answer/", tasks.task_answer, name="task_answer"),
    path("tasks/<int:pk>/approve/", tasks.task_approve, name="task_approve"),
    path("tasks/<int:pk>/return/", tasks.task_return, name="task_return"),
]
