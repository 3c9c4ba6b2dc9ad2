app_name = "tanam"

urlpatterns = []
