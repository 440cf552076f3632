// Words and one step around django-otp-webauthn's passkey scripts (decision 0034). Loaded before them,
// from this file (the CSP allows no inline script). The package's scripts ask `gettext` for each
// message they show; the service has no translations, so this gives plain English in our own words.
(function () {
  "use strict";
  var words = {
    "Verify with Passkey": "Sign in with your passkey",
    "Verifying...": "Waiting for your passkey…",
    "Finishing verification...": "Signing you in…",
    "Verification aborted.": "The passkey check was stopped. Select the button to try again.",
    "Verification canceled or not allowed.":
      "The passkey check was cancelled or took too long. Select the button to try again.",
    "Verification failed. Could not retrieve parameters from the server.":
      "Your sign-in has expired. Start again with your email address and password.",
    "Verification failed. An unknown error occurred.": "Your passkey could not be checked. Try again.",
    "Verification failed. An unknown server error occurred.": "Your passkey could not be checked. Try again.",
    "Verification failed. A server error occurred.": "Your passkey could not be checked. Try again.",
    "Verification successful!": "Passkey accepted. Signing you in…",
    "An error occurred during verification.": "Your passkey could not be checked. Try again.",
    "Register a Passkey": "Add a passkey",
    "Registering...": "Waiting for your passkey…",
    "Finishing registration...": "Saving your passkey…",
    "Registration aborted.": "Adding the passkey was stopped. Nothing was saved.",
    "Registration failed. You most likely already have a Passkey registered for this site.":
      "This device already holds a passkey for your account. Nothing was saved.",
    "Registration aborted or not allowed.": "Adding the passkey was cancelled or took too long. Nothing was saved.",
    "Registration failed. A technical problem occurred that prevents you from registering a Passkey for this site.":
      "This browser cannot add a passkey for this site. Nothing was saved.",
    "Registration failed. An unknown error occurred.": "The passkey could not be added. Nothing was saved.",
    "Registration failed. Unable to fetch registration options from server.":
      "The passkey could not be added. Reload the page and try again.",
    "Registration failed. The server was unable to verify this passkey.":
      "The passkey could not be checked, so it was not saved. Try again.",
    "Registration failed. A server error occurred.": "The passkey could not be added. Nothing was saved.",
    "Registration successful!": "Passkey added. Now give it a name.",
    "An error occurred during registration.": "The passkey could not be added. Nothing was saved.",
  };
  window.gettext = function (text) {
    return Object.prototype.hasOwnProperty.call(words, text) ? words[text] : text;
  };

  // A new passkey goes straight to its naming page (the server gave it a default name).
  document.addEventListener("otp_webauthn.register_complete", function (event) {
    var button = document.getElementById("passkey-register-button");
    var template = button && button.getAttribute("data-name-url");
    var id = event.detail && event.detail.id;
    if (template && id) {
      window.location.assign(template.replace("/0/", "/" + encodeURIComponent(id) + "/"));
    }
  });
})();
