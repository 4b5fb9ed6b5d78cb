"""Two-factor login for the desk: a time-based one-time password (TOTP, django-otp) after the
password, for every staff user, when DESK_REQUIRE_2FA is on (by default in production).

A staff session that has not given its second factor yet is sent to it, whatever it asks for
(`RequireTwoFactorMiddleware`), except logging out and the two-factor pages themselves: there
an editor without a device sets one up (the key as a QR code and as text, confirmed by a first
code), and one with a device types the code it shows. django-otp keeps the verified device in
the session and slows down repeated wrong codes (each failure doubles the wait).
"""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def required_for(user):
    """Whether `user` must give a second factor before using the desk."""
    return bool(settings.DESK_REQUIRE_2FA and user.is_authenticated and user.is_staff)


class RequireTwoFactorMiddleware:
    """Sends a staff session without its second factor to the two-factor page. After
    django_otp.middleware.OTPMiddleware, which tells whether the session has it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, no one logged in: a reader's request reads no session.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            user = request.user
            if required_for(user) and not user.is_verified() and not self._exempt(request.path):
                return redirect(f"{reverse('two_factor')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    @staticmethod
    def _exempt(path):
        open_paths = (reverse("two_factor"), reverse("admin:logout"))
        return path in open_paths or path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        allowed, _ = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes: wait a minute, then type the newest code."
            )
        if not self.device.verify_token(token):
            raise forms.ValidationError("That code is wrong or has expired; type the newest one.")
        return token


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else resolve_url("admin:index")


@never_cache
@sensitive_post_parameters("token")
def two_factor_view(request):
    """The second step of a desk login: set up an authenticator app, or type its code."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied
    if user.is_verified():
        return redirect(_safe_next(request))
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        # One unconfirmed device per editor, kept until its first code confirms it, so that
        # reloading the page does not change the key already scanned.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = TokenForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_safe_next(request))
    context = {
        **admin.site.each_context(request),
        "title": "Set up two-factor login" if setting_up else "Two-factor login",
        "form": form,
        "setting_up": setting_up,
        "next": _safe_next(request),
    }
    if setting_up:
        uri = device.config_url
        context["key"] = _spaced(device.bin_key)
        context["config_url"] = uri
        # An inline <svg> of paths, no script or style: the CSP allows it.
        context["qr_svg"] = mark_safe(  # noqa: S308
            segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
        )
    return TemplateResponse(request, "admin/two_factor.html", context)


def _spaced(binary_key):
    text = b32encode(binary_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
