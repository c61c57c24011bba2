from api import care_urls, records_urls
from clinic.rest import open_to_api_auth

app_name = "api"

# Records (patients, procedures, the limit check, tokens, the schema and its docs) and care (appointments,
# follow-ups, the outcome tables), all under /api/v1/ but the schema's pages.
urlpatterns = open_to_api_auth([*records_urls.urlpatterns, *care_urls.urlpatterns])
