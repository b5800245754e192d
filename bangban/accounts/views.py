from __future__ import annotations

from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bangban.audit.actions import record, record_personal_data_view
from bangban.core.errors import REFUSALS, ApplicationError, ValidationFailed
from bangban.core.http import AuthedHttpRequest, safe_next
from bangban.core.pagination import paginate
from bangban.core.views import error_response
from bangban.org.models import Unit

from . import actions, second_factor
from .access import (
    access_token,
    access_user,
    may_see_personal_data,
    require_account_admin,
    scope_of,
    show_id_number,
    show_phone,
)
from .filters import TOKEN_STATUSES, USER_STATUSES, TokenFilter, UserFilter
from .forms import LoginForm, OwnPasswordForm, SetPasswordForm, TokenForm, UserForm, apply_errors
from .queries import token_list, token_status, tokens_of, user_list
from .roles import Role


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        record("account.login", actor=form.user, obj=form.user)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        return redirect(target or "core:home")
    return render(request, "accounts/login.html", {"form": form})


def admin_login(request: HttpRequest) -> HttpResponse:
    """`/django-admin/login/`: the admin site signs in through the project's own login (lock-out,
    one answer for every refusal, second factor), never through Django's stock form."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = ""
    login_url = reverse("accounts:login")
    return redirect(f"{login_url}?{urlencode({'next': target or '/django-admin/'})}")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record("account.logout", actor=request.user, obj=request.user)
    logout(request)
    return redirect("accounts:login")


# --- one's own password --------------------------------------------------------------------------


@login_required
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    form = OwnPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.do_change_own_password(
                acting_user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, "密码已修改")
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- users (administrators only; everyone else gets 404) -------------------------------------------


def _int_or_none(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return None


@login_required
def users(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_account_admin(request.user)
    except ApplicationError as exc:
        return error_response(request, exc)
    now = timezone.now()
    filters = UserFilter.from_params(request.GET)
    result = paginate(request, user_list(request.user, filters, now))
    rows = [
        {
            "user": person,
            "roles": list(person.roles.all()),
            "phone": show_phone(request.user, person.phone),
            "locked": person.is_locked(now),
        }
        for person in result.page
    ]

    context = {
        "rows": rows,
        "page": result.page,
        "qs": result.querystring_without_page,
        "filters": filters,
        "roles": Role.choices,
        "statuses": USER_STATUSES.items(),
        # Units are found through the search box (by name); a select of every unit would be
        # thousands of options. A unit filter arrives from a unit's page and is shown as a chip.
        "unit": Unit.objects.filter(pk=filters.unit).first() if filters.unit else None,
    }
    return render(request, "accounts/user_list.html", context)


@login_required
def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_account_admin(request.user)
        person = access_user(request.user, pk)
    except ApplicationError as exc:
        return error_response(request, exc)
    now = timezone.now()
    tokens = [{"token": t, "status": token_status(t, now)} for t in tokens_of(request.user, person)]
    if may_see_personal_data(request.user):
        shown = [name for name in ("phone", "id_number") if getattr(person, name)]
        if shown:
            record_personal_data_view(request.user, person, shown)
    context_2fa = {
        "second_factor_enrolled": second_factor.is_enrolled(person),
        "second_factor_required": second_factor.requires_second_factor(person),
    }
    context = {
        "person": person,
        "roles": list(person.roles.all()),
        "phone": show_phone(request.user, person.phone),
        "id_number": show_id_number(request.user, person.id_number),
        "locked": person.is_locked(now),
        "scope": scope_of(person),
        "tokens": tokens,
        "password_form": SetPasswordForm(),
        **context_2fa,
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
def user_create(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_account_admin(request.user)
    except ApplicationError as exc:
        return error_response(request, exc)
    initial = {"unit": _int_or_none(request.GET.get("unit"))}
    form = UserForm(request.POST or None, acting_user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.do_create_user(
                acting_user=request.user,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                roles=form.cleaned_data["roles"],
                **form.values(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已创建账号 {person.username}")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "person": None})


@login_required
def user_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_account_admin(request.user)
        person = access_user(request.user, pk, action="change")
    except ApplicationError as exc:
        return error_response(request, exc)
    form = UserForm(
        request.POST or None, acting_user=request.user, editing=person, initial=UserForm.initial_for(person)
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.do_update_user(
                acting_user=request.user,
                user_id=person.pk,
                changes=form.values(),
                roles=form.cleaned_data["roles"],
                version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except REFUSALS:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已保存账号 {person.username}")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


@login_required
def user_password(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_account_admin(request.user)
        person = access_user(request.user, pk, action="change")
    except ApplicationError as exc:
        return error_response(request, exc)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_reset_password(
                acting_user=request.user, user_id=person.pk, password=form.cleaned_data["password1"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if person.pk == request.user.pk:
                person.refresh_from_db()
                update_session_auth_hash(request, person)
            messages.success(request, f"已为 {person.username} 设置新密码，请通过安全渠道告知本人")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/user_password.html", {"form": form, "person": person})


def _post_action(request: AuthedHttpRequest, pk: int, run: object, done: str) -> HttpResponse:
    """A button on the user's page: done, or back to that page with the reason (a state the user can
    fix, e.g. a stale version); a refusal is the error page with 403/404."""
    try:
        require_account_admin(request.user)
        person = access_user(request.user, pk, action="change")
        run(person)  # type: ignore[operator]
    except REFUSALS:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(username=person.username))
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def user_unlock(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda person: actions.do_unlock_user(acting_user=request.user, user_id=person.pk),
        "已解除 {username} 的登录锁定",
    )


@login_required
@require_POST
def user_active(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    return _post_action(
        request,
        pk,
        lambda person: actions.do_set_user_active(
            acting_user=request.user,
            user_id=person.pk,
            active=active,
            version=_int_or_none(request.POST.get("version")),
        ),
        "已启用账号 {username}" if active else "已停用账号 {username}",
    )


# --- API tokens ----------------------------------------------------------------------------------


@login_required
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_account_admin(request.user)
    except ApplicationError as exc:
        return error_response(request, exc)
    now = timezone.now()
    filters = TokenFilter.from_params(request.GET)
    result = paginate(request, token_list(request.user, filters, now))
    rows = [{"token": t, "status": token_status(t, now)} for t in result.page]
    context = {
        "rows": rows,
        "page": result.page,
        "qs": result.querystring_without_page,
        "filters": filters,
        "statuses": TOKEN_STATUSES.items(),
    }
    return render(request, "accounts/token_list.html", context)


@never_cache
@login_required
def token_create(request: AuthedHttpRequest) -> HttpResponse:
    try:
        require_account_admin(request.user)
    except ApplicationError as exc:
        return error_response(request, exc)
    form = TokenForm(
        request.POST or None, acting_user=request.user, initial={"username": request.GET.get("user", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = actions.do_create_token(
                acting_user=request.user,
                user_id=form.owner.pk,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            # Rendered, not redirected: the raw value exists only in this response.
            return render(request, "accounts/token_created.html", {"token": token, "raw": raw})
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        require_account_admin(request.user)
        token = access_token(request.user, pk, action="change")
        actions.do_revoke_token(acting_user=request.user, token_id=token.pk)
    except ApplicationError as exc:
        return error_response(request, exc)
    messages.success(request, f"已吊销令牌 {token.key_prefix}…（{token.name}），使用它的接口调用将被拒绝")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("accounts:tokens")


# --- second factor (TOTP) ------------------------------------------------------------------------


@login_required
def second_factor_setup(request: AuthedHttpRequest) -> HttpResponse:
    """Enrolment: a QR code of a new TOTP secret, confirmed with one code from the app; then the
    recovery codes, shown once on the answer to that post and never again."""
    if second_factor.is_enrolled(request.user):
        return redirect("accounts:second_factor_verify")
    nxt = safe_next(request, "", value=request.GET.get("next", ""))
    error = ""
    if request.method == "POST":
        try:
            device, codes = actions.do_confirm_second_factor(
                acting_user=request.user, code=request.POST.get("code", "")[:32]
            )
        except REFUSALS:
            raise
        except ApplicationError as exc:
            error = exc.message
        else:
            django_otp.login(request, device)
            return render(request, "accounts/second_factor_codes.html", {"codes": codes, "next": nxt})
    try:
        device = actions.do_start_second_factor(acting_user=request.user)
    except ApplicationError as exc:
        return error_response(request, exc)
    context = {
        "qr": mark_safe(second_factor.qr_svg(device)),
        "secret": second_factor.secret_text(device),
        "error": error,
        "next": nxt,
    }
    return render(request, "accounts/second_factor_setup.html", context, status=400 if error else 200)


@login_required
def second_factor_verify(request: AuthedHttpRequest) -> HttpResponse:
    """The step after the password: a code from the authenticator app or one recovery code."""
    if not second_factor.is_enrolled(request.user):
        return redirect("accounts:second_factor_setup")
    nxt = safe_next(request, "", value=request.GET.get("next", ""))
    error = ""
    if request.method == "POST":
        device = second_factor.match(request.user, request.POST.get("code", "")[:64])
        if device is not None:
            django_otp.login(request, device)
            record(
                "account.second_factor_verified",
                actor=request.user,
                obj=request.user,
                after={"method": "recovery_code" if device.__class__.__name__ == "StaticDevice" else "totp"},
            )
            return redirect(nxt or "core:home")
        error = "验证码不正确或已使用，请输入身份验证器中当前显示的 6 位数字或一个未用过的恢复码"
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"error": error, "next": nxt},
        status=400 if error else 200,
    )


@login_required
@require_POST
def user_second_factor_reset(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _post_action(
        request,
        pk,
        lambda person: actions.do_reset_second_factor(acting_user=request.user, user_id=person.pk),
        "已重置 {username} 的双因素验证，下次登录时需重新绑定身份验证器",
    )
