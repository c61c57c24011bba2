"""The second step's pages: the code after the password, setting up an authenticator, and the account page.

Every wrong code counts as a failed login with django-axes (by username and address, like a wrong password), so
guessing codes ends in the same lockout; the devices also slow wrong codes down themselves (see services).
"""

from collections.abc import Callable
from typing import Any, TypeVar

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from clinic.auth import has_authenticator
from clinic.mfa import services
from clinic.mfa.forms import CodeForm, EnrolForm
from clinic.mfa.policy import Step, is_required, owed_step
from clinic.redirects import next_url

V = TypeVar("V", bound=Callable[..., HttpResponseBase])
CODES_SESSION_KEY = "mfa_new_recovery_codes"


def second_step_page(view: V) -> V:
    """Marks a view a session that still owes its second step may reach (TwoStepMiddleware lets it through)."""
    view.two_step_exempt = True  # type: ignore[attr-defined]
    return view


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "LoginRequiredMiddleware lets only logged-in users here."
    return user


def _next(request: HttpRequest) -> str:
    # The page the login was on its way to (TwoStepMiddleware passes it along), else the home page.
    return next_url(request, reverse("home"))


def _refused(request: HttpRequest, form: CodeForm, refusal: services.CodeRefused) -> HttpResponse | None:
    """Show the refusal beside the field and count it; a lockout logs the user out. None to render the form."""
    form.add_error("code", str(refusal))
    credentials = {"username": _user(request).get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if AxesProxyHandler.is_locked(request, credentials):
        logout(request)
        return get_lockout_response(request, credentials=credentials)  # type: ignore[no-any-return]
    return None


def _verified(request: HttpRequest, device: Device) -> None:
    # A new session key for the raised trust, as Django gives one at login.
    request.session.cycle_key()
    otp_login(request, device)


@second_step_page
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the user's authenticator, or one of their recovery codes."""
    user = _user(request)
    if owed_step(user) is not Step.VERIFY:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = services.code_check(user=user, code=form.cleaned_data["code"])
        except services.CodeRefused as refusal:
            if (locked := _refused(request, form, refusal)) is not None:
                return locked
        else:
            _verified(request, device)
            if isinstance(device, StaticDevice):
                left = services.recovery_codes_left(user=user)
                messages.warning(request, f"You used a recovery code: {left} left. New ones are on your account page.")
            return redirect(_next(request))
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next(request)})


@second_step_page
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: its QR code and secret, confirmed by the first code it shows."""
    user = _user(request)
    if has_authenticator(user):
        # One authenticator per account; one who has it but has not given a code is sent to give one.
        return redirect("mfa:account")
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = services.authenticator_confirm(user=user, code=form.cleaned_data["code"])
        except services.CodeRefused as refusal:
            if (locked := _refused(request, form, refusal)) is not None:
                return locked
        else:
            _verified(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return redirect(f"{reverse('mfa:codes')}?{urlencode({'next': _next(request)})}")
    pending = services.authenticator_enrol(user=user)
    context = {
        "form": form,
        "next": _next(request),
        "secret": pending.secret,
        "qr": _qr_svg(pending.config_url),
        "required": is_required(user),
    }
    return render(request, "registration/mfa_enrol.html", context)


def codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the session forgets them as this page is drawn."""
    new_codes = request.session.pop(CODES_SESSION_KEY, None)
    if not new_codes:
        return redirect("mfa:account")
    return render(request, "registration/mfa_codes.html", {"codes": new_codes, "next": _next(request)})


def account(request: HttpRequest) -> HttpResponse:
    return _account(request)


@require_POST
def renew_codes(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="renew")
    if form.is_valid():
        try:
            codes = services.recovery_codes_renew(user=_user(request), code=form.cleaned_data["code"])
        except services.CodeRefused as refusal:
            if (locked := _refused(request, form, refusal)) is not None:
                return locked
        else:
            request.session[CODES_SESSION_KEY] = codes
            return redirect("mfa:codes")
    return _account(request, renew=form)


@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="remove")
    if form.is_valid():
        try:
            services.authenticator_remove(user=_user(request), code=form.cleaned_data["code"])
        except services.CodeRefused as refusal:
            if (locked := _refused(request, form, refusal)) is not None:
                return locked
        else:
            messages.success(request, "Your authenticator and recovery codes were removed.")
            return redirect("mfa:account")
    return _account(request, remove=form)


def _account(request: HttpRequest, *, renew: CodeForm | None = None, remove: CodeForm | None = None) -> HttpResponse:
    """The account's second step: set one up, or renew the recovery codes or remove it, each with a current code."""
    user = _user(request)
    context: dict[str, Any] = {"enrolled": has_authenticator(user), "required": is_required(user)}
    if context["enrolled"]:
        context["codes_left"] = services.recovery_codes_left(user=user)
        context["renew_form"] = renew or CodeForm(prefix="renew")
        context["remove_form"] = remove or CodeForm(prefix="remove")
    return render(request, "registration/mfa_account.html", context)


def _qr_svg(config_url: str) -> SafeString:
    """The otpauth link as an inline SVG QR code, drawn here: no image service, no network."""
    image = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: str = image.to_string(encoding="unicode")
    # The SVG is built from path data alone; the link's text never appears in it.
    return format_html(
        '<div class="mfa-qr" role="img" aria-label="QR code for your authenticator app">{}</div>', mark_safe(svg)
    )
