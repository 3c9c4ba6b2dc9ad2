app_name = "ikm"

urlpatterns = []
