"""Django's model backend, reading a signed-in user with their permissions and roles in one query per request
instead of four.

Every page checks a permission on the server and shows the user's roles in its header. Django's backend reads
the user, then the user's own permissions and their groups' permissions in two more queries, and the header reads
the group names in a fourth; here one query reads all four, cached on the user object for the request as Django
caches them.
The same query says whether the user has set up an authenticator app, which every page's two-step check
(`clinic.mfa`) needs: so that check costs no query of its own.
Nothing is kept across requests, so a role taken away, or an authenticator added or removed, applies on the
very next page.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.sql import Query
from django_otp.plugins.otp_totp.models import TOTPDevice

ROLES_CACHE = "_role_names"
DEVICE_CACHE = "_has_authenticator"
# Marks the row saying the user has a confirmed authenticator: no app label contains "~".
_DEVICE_ROW = "~authenticator"


def _access_sql(user: str, marker: str) -> str:
    """The one query, with `user` and `marker` standing for the user's id and _DEVICE_ROW."""
    group_table = Group._meta.db_table
    membership = User.groups.through._meta.db_table
    group_permissions = Group.permissions.through._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    permission_table = Permission._meta.db_table
    content_type_table = ContentType._meta.db_table
    device_table = TOTPDevice._meta.db_table
    return (
        # The user's groups, each with its permissions (none for a group without any)...
        f"SELECT g.name, ct.app_label, p.codename FROM {membership} m"
        f" JOIN {group_table} g ON g.id = m.group_id"
        f" LEFT JOIN {group_permissions} gp ON gp.group_id = g.id"
        f" LEFT JOIN {permission_table} p ON p.id = gp.permission_id"
        f" LEFT JOIN {content_type_table} ct ON ct.id = p.content_type_id"
        f" WHERE m.user_id = {user}"
        # ...and the permissions given to the user directly.
        " UNION ALL SELECT NULL, ct.app_label, p.codename"
        f" FROM {user_permissions} up JOIN {permission_table} p ON p.id = up.permission_id"
        f" JOIN {content_type_table} ct ON ct.id = p.content_type_id WHERE up.user_id = {user}"
        # ...and one marked row if the user has a confirmed authenticator app.
        f" UNION ALL SELECT NULL, {marker}, NULL WHERE EXISTS"
        f" (SELECT 1 FROM {device_table} d WHERE d.user_id = {user} AND d.confirmed)"
    )


USER_FIELDS = User._meta.concrete_fields


def _user_access_sql(user: str, marker: str) -> str:
    """The user's row beside each row of `_access_sql`: the user's columns repeat on each (a score of rows at most),
    and stand alone, once, for a user with no role or permission."""
    columns = ", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in USER_FIELDS)
    return (
        f"SELECT {columns}, a.* FROM {User._meta.db_table} u"
        f" LEFT JOIN ({_access_sql(user, marker)}) a ON 1 = 1 WHERE u.id = {user}"
    )


# PostgreSQL plans the five-table query each time it is sent, which took most of its 0.6 ms on every page:
# prepared once per connection, a page runs the saved plan (0.17 ms). A prepared statement outlives a rolled
# back transaction and lasts as long as its connection. (A pooler that hands one client several server
# connections in turn, such as PgBouncer in transaction mode, would need its prepared-statement support.)
_PREPARED = "clinic_user_access"
_PREPARED_ON = "_clinic_user_access_prepared_on"


def _user_access_rows(user_pk: int) -> list[tuple[Any, ...]]:
    """The user's columns (`USER_FIELDS`), then a group, app label and permission codename, in each row; no row
    if there is no such user."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(_user_access_sql("%s", "%s"), [user_pk, user_pk, _DEVICE_ROW, user_pk, user_pk])
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        execute = f"EXECUTE {_PREPARED}(%s, %s)"
        raw = connection.connection
        if getattr(connection, _PREPARED_ON, None) is not raw:
            # Sent with its first use as one statement, so a page that prepares it runs no extra query. Nothing
            # else here prepares statements: DEALLOCATE ALL clears one left on a connection taken over unmarked.
            prepare = f"DEALLOCATE ALL; PREPARE {_PREPARED}(bigint, text) AS {_user_access_sql('$1', '$2')}; "
            cursor.execute(prepare + execute, [user_pk, _DEVICE_ROW])
            setattr(connection, _PREPARED_ON, raw)
        else:
            cursor.execute(execute, [user_pk, _DEVICE_ROW])
        prepared_rows: list[tuple[Any, ...]] = cursor.fetchall()
        return prepared_rows


def _read(user: User, rows: list[tuple[Any, ...]] | None = None) -> None:
    """Cache the user's roles, permissions and authenticator from their rows (read now if not given)."""
    if rows is None:
        rows = _user_access_rows(user.pk)
    roles: dict[str, None] = {}
    from_groups: set[str] = set()
    own: set[str] = set()
    has_device = False
    width = len(USER_FIELDS)
    for group, app_label, codename in (row[width:] for row in rows):
        if app_label == _DEVICE_ROW:
            has_device = True
            continue
        if group is not None:
            roles[group] = None
        if codename is not None:
            (from_groups if group is not None else own).add(f"{app_label}.{codename}")
    setattr(user, ROLES_CACHE, sorted(roles))
    setattr(user, DEVICE_CACHE, has_device)
    user._group_perm_cache = from_groups  # type: ignore[attr-defined]
    user._user_perm_cache = own  # type: ignore[attr-defined]


def _user_from(row: tuple[Any, ...]) -> User:
    """The user built from their columns as the ORM would build them (SQLite's dates come as text)."""
    compiler = connection.ops.compiler("SQLCompiler")(Query(User), connection, connection.alias)
    converters = compiler.get_converters([field.get_col(User._meta.db_table) for field in USER_FIELDS])
    (values,) = compiler.apply_converters([row[: len(USER_FIELDS)]], converters)
    return User.from_db(connection.alias, [field.attname for field in USER_FIELDS], values)


class RoleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        """The signed-in user of a request, their permissions and roles read with them."""
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        rows = _user_access_rows(pk)
        if not rows:
            return None
        user = _user_from(rows[0])
        _read(user, rows)
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj: Any, obj: Any, from_name: str) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None or user_obj.is_superuser:
            # Superusers hold every permission; Django's own reading lists them.
            permissions: set[str] = super()._get_permissions(user_obj, obj, from_name)  # type: ignore[misc]
            return permissions
        if not hasattr(user_obj, f"_{from_name}_perm_cache"):
            _read(user_obj)
        return set(getattr(user_obj, f"_{from_name}_perm_cache"))


def role_names(user: User | AnonymousUser) -> list[str]:
    """The user's roles (group names), read with their permissions when this request has already read those."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, ROLES_CACHE):
        _read(user)
    return list(getattr(user, ROLES_CACHE))


def has_authenticator(user: User | AnonymousUser) -> bool:
    """Whether the user has a confirmed authenticator app, read with their roles when this request has read those."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, DEVICE_CACHE):
        _read(user)
    return bool(getattr(user, DEVICE_CACHE))
