"""The demo's staff logins, shared by the small demo (`seed_demo`) and the clinic at scale (`seed_scale`)."""

from clinic.roles import Role

DEMO_PASSWORD = "pinpoint-demo"
DEMO_USERS = [
    ("frontdesk", "Fiona", "Desk", Role.FRONT_DESK),
    ("nurse", "Nora", "Reyes", Role.NURSE),
    ("physician", "Paul", "Ibarra", Role.PHYSICIAN),
    ("drchen", "Hannah", "Chen", Role.PHYSICIAN),
    ("drokafor", "Emeka", "Okafor", Role.PHYSICIAN),
    ("admin", "Ada", "Minter", Role.ADMINISTRATOR),
]
# The demo logins whose role needs two-step login share this published authenticator key, so anyone trying the
# demo can add it to an authenticator app (or `oathtool --totp -b KEY`). Like the demo password, it is public.
DEMO_AUTHENTICATOR_KEY = b"pinpoint-demo-secret"
