import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker: frozen, the cyclic
# collector no longer walks it on each of its passes, which otherwise land inside requests as pauses.
gc.freeze()
