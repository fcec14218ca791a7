from django.contrib.auth import views as auth_views
from django.urls import path

from cases.audit import views as security_views
from cases.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Changing the password keeps this session (Django rotates its hash) and ends every other one.
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("otp/", security_views.otp_verify, name="otp_verify"),
    path("otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("otp/setup/qr.svg", security_views.otp_qr, name="otp_qr"),
    path("security/", security_views.account_security, name="account_security"),
    path("security/backup-codes/", security_views.otp_backup_codes, name="otp_backup_codes"),
]
