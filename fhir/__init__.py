# The FHIR models' distribution (fhir.resources) installs a top-level package named `fhir` too: let this app's
# package path include it, so `fhir.resources` is found beside the app's own modules. So no module of this app may
# be named `resources`.
from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
