app_name = "ehealth"

urlpatterns = []
