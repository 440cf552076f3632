from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import passkeys, views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.sign_in_code, name="sign_in_code"),
    path("sign-in/passkey/begin/", passkeys.PasskeyAuthenticationBegin.as_view(), name="passkey_sign_in_begin"),
    path(
        "sign-in/passkey/complete/", passkeys.PasskeyAuthenticationComplete.as_view(), name="passkey_sign_in_complete"
    ),
    path("sign-in/set-up-authenticator/", views.set_up_authenticator, name="set_up_authenticator"),
    path("sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", views.ResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitation/authenticator/", views.invitation_authenticator, name="invitation_authenticator"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("account/", views.account, name="account"),
    path("account/passkeys/begin/", passkeys.PasskeyRegistrationBegin.as_view(), name="passkey_register_begin"),
    path(
        "account/passkeys/complete/", passkeys.PasskeyRegistrationComplete.as_view(), name="passkey_register_complete"
    ),
    path("account/passkeys/<int:pk>/name/", views.passkey_name, name="passkey_name"),
    path("account/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("account/passkeys/codes/", views.totp_recovery, name="totp_recovery"),
    path("account/tokens/", views.api_token_create, name="api_token_create"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("boards/", views.board_list, name="boards"),
    path("boards/new/", views.board_create, name="board_create"),
    path("boards/<str:code>/", views.board_detail, name="board"),
    path("boards/<str:code>/edit/", views.board_edit, name="board_edit"),
    path("boards/<str:code>/people/", views.board_people, name="board_people"),
    path("boards/<str:code>/people/invite/", views.board_people_invite, name="board_people_invite"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.people_invite, name="people_invite"),
    path("people/<int:pk>/role/", views.person_role, name="person_role"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/reinvite/", views.person_reinvite, name="person_reinvite"),
]
