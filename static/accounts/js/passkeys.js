/* Passkeys (WebAuthn) on the pages that load this file: no inline script (Content-Security-Policy).

   A block <div data-passkey="register|authenticate" data-begin-url data-complete-url hidden> holds a
   button [data-passkey-start] and a live region [data-passkey-status]. It stays hidden without
   JavaScript or WebAuthn (the password and code forms work as before); here it is shown, and the
   button runs the ceremony against accounts.views.passkeys (the JSON views of django-otp-webauthn),
   then follows the answer's redirect_url. The messages come from the block's data-msg-* attributes,
   translated by the server. */
(function () {
  "use strict";

  function toBuffer(value) {
    var base64 = value.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function creationOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.user = Object.assign({}, json.user, { id: toBuffer(json.user.id) });
    options.excludeCredentials = descriptors(json.excludeCredentials);
    return options;
  }

  function requestOptions(json) {
    var options = Object.assign({}, json);
    options.challenge = toBuffer(json.challenge);
    options.allowCredentials = descriptors(json.allowCredentials);
    return options;
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      out.response.attestationObject = toBase64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toBase64url(response.authenticatorData);
      out.response.signature = toBase64url(response.signature);
      if (response.userHandle) out.response.userHandle = toBase64url(response.userHandle);
    }
    return out;
  }

  function csrfToken(block) {
    var field = block.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  function post(url, block, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(block) },
      body: body === undefined ? "" : JSON.stringify(body),
    });
  }

  function run(block) {
    var button = block.querySelector("[data-passkey-start]");
    var status = block.querySelector("[data-passkey-status]");
    var register = block.dataset.passkey === "register";
    function say(message) {
      status.textContent = message || "";
    }
    button.disabled = true;
    say(block.dataset.msgBusy);
    post(block.dataset.beginUrl, block)
      .then(function (answer) {
        if (!answer.ok) throw new Error("server");
        return answer.json();
      })
      .then(function (json) {
        return register
          ? navigator.credentials.create({ publicKey: creationOptions(json) })
          : navigator.credentials.get({ publicKey: requestOptions(json) });
      })
      .then(function (credential) {
        if (!credential) throw new Error("cancelled");
        return post(block.dataset.completeUrl, block, credentialJSON(credential));
      })
      .then(function (answer) {
        return answer.json().then(function (json) {
          if (!answer.ok) throw new Error("refused");
          return json;
        });
      })
      .then(function (json) {
        say(block.dataset.msgDone);
        window.location.assign(json.redirect_url || block.dataset.next || window.location.href);
      })
      .catch(function (error) {
        button.disabled = false;
        var name = error && error.name;
        if (name === "NotAllowedError" || name === "AbortError" || (error && error.message === "cancelled")) {
          say(block.dataset.msgCancelled);
        } else if (name === "InvalidStateError") {
          say(block.dataset.msgExists);
        } else {
          say(block.dataset.msgFailed);
        }
        button.focus();
      });
  }

  function init() {
    if (!window.PublicKeyCredential || !navigator.credentials) return;
    document.querySelectorAll("[data-passkey]").forEach(function (block) {
      block.hidden = false;
      block.querySelector("[data-passkey-start]").addEventListener("click", function () {
        run(block);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
