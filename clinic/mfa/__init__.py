"""Two-step login: after the password, a code from an authenticator app (TOTP) or a one-time recovery code.

Built on django-otp, which adds devices and their verification to Django's own auth views rather than replacing
the login flow (Pinpoint keeps Django's LoginView, with django-axes counting failures). `policy` says who owes
which step, `middleware` holds every page back until it is done, `services` enrol, check and remove, and `views`
are the pages.
"""
