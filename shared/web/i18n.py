"""French-first message catalogs; the person's language choice is remembered in a cookie."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

LANGUAGES = ("fr", "en")
LANGUAGE_COOKIE = "boucle_lang"

CATALOGS: dict[str, dict[str, str]] = {
    "fr": {
        "skip_to_content": "Aller au contenu",
        "site_name": "Boucle",
        "tagline": "Le réemploi du matériel informatique dans la métropole",
        "switch_language": "English",
        "switch_language_label": "Read this page in English",
        "footer": "Boucle — logiciel libre de la Métropole Européenne de Lille",
        "passport_title": "Passeport de l'appareil",
        "device_label": "Étiquette",
        "device_type": "Type d'appareil",
        "current_stage": "Étape actuelle",
        "history": "Historique",
        "date": "Date",
        "event": "Étape",
        "place": "Lieu",
        "not_found_title": "Appareil introuvable",
        "not_found_text": "Aucun appareil ne porte l'étiquette {code}. Vérifiez les caractères "
        "imprimés sous le QR code.",
        "state.received": "Reçu dans un point de collecte",
        "state.in_transit": "En route vers l'atelier",
        "state.in_refurbishment": "En reconditionnement",
        "state.ready": "Prêt pour une nouvelle vie",
        "state.reserved": "Réservé pour un foyer",
        "state.delivered": "Remis à un foyer",
        "state.returned": "Rapporté",
        "state.recycled": "Recyclé",
        "state.dismantled": "Démonté pour pièces",
        "type.laptop": "Ordinateur portable",
        "type.desktop": "Ordinateur fixe",
        "type.tablet": "Tablette",
        "type.smartphone": "Smartphone",
        "type.monitor": "Écran",
        "type.printer": "Imprimante",
        "type.peripheral": "Périphérique",
        "type.other": "Autre",
        "service_home": "Service {service}",
        "service_home_text": "Ce service de Boucle fonctionne. Son interface de programmation "
        "est décrite à l'adresse {schema}.",
        "privacy_note": "Ce passeport ne contient aucune donnée personnelle.",
        "error_title": "Une erreur est survenue",
        "error.401": "Connectez-vous pour continuer.",
        "error.403": "Votre rôle ne permet pas cette action.",
        "error.404": "Cette page n'existe pas. Vérifiez l'adresse.",
        "error.503": "Le service est momentanément indisponible. Réessayez dans un instant.",
        "error.other": "La demande n'a pas abouti. Rien n'a été enregistré.",
        "error_details": "Détail technique :",
        "form.error.summary": "Rien n'a été enregistré :",
        "form.field.required": "Ce champ est obligatoire.",
        "form.field.too_long": "{limit} caractères au plus.",
        "form.field.too_short": "Au moins {least} caractères.",
        "form.field.choose": "Choisissez une des options.",
        "form.field.number": "Un nombre entier de {low} à {high}.",
        "back_home": "Retour à l'accueil",
        "language_nav": "Langue",
        "passport_intro": "Le parcours de cet appareil depuis son don, étape par étape.",
        "not_found_hint": "Une étiquette Boucle a 9 caractères, par exemple K7Q2-M9XB-A.",
        "month.1": "janvier",
        "month.2": "février",
        "month.3": "mars",
        "month.4": "avril",
        "month.5": "mai",
        "month.6": "juin",
        "month.7": "juillet",
        "month.8": "août",
        "month.9": "septembre",
        "month.10": "octobre",
        "month.11": "novembre",
        "month.12": "décembre",
        "account_nav": "Compte",
        "sign_in": "Se connecter",
        "sign_out": "Se déconnecter",
        "sign_in_title": "Connexion",
        "login": "Identifiant",
        "password": "Mot de passe",
        "forgot_password": "Mot de passe oublié ? Demandez à un administrateur un lien de "
        "réinitialisation.",
        "notice.signed_out": "Vous êtes déconnecté.",
        "notice.session_ended": "Votre session a pris fin. Connectez-vous à nouveau.",
        "notice.password_set": "Votre mot de passe est enregistré. Vous pouvez vous connecter.",
        "notice.disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "notice.password_changed": "Votre mot de passe a été changé. Vos autres sessions sont "
        "fermées.",
        "account_error.wrong_credentials": "Identifiant ou mot de passe incorrect.",
        "account_error.disabled": "Ce compte est désactivé. Adressez-vous à un administrateur.",
        "account_error.too_many_attempts": "Trop de tentatives. Réessayez dans {minutes} "
        "minute(s).",
        "account_error.session_ended": "Votre session a pris fin. Connectez-vous à nouveau.",
        "account_error.invalid_account": "L'identifiant compte de 2 à 64 lettres minuscules, "
        "chiffres, points, tirets ou soulignés ; le nom affiché de 1 à 120 caractères.",
        "account_error.invalid_roles": "Choisissez au moins un rôle.",
        "account_error.password_too_short": "Le mot de passe doit compter au moins 12 caractères "
        "; quelques mots sans rapport entre eux font un bon mot de passe.",
        "account_error.password_has_login": "Le mot de passe ne doit pas contenir l'identifiant.",
        "account_error.login_taken": "Cet identifiant est déjà pris.",
        "account_error.no_password_here": "Cette session n'est pas liée à un compte : aucun mot "
        "de passe à changer.",
        "account_error.wrong_current_password": "Le mot de passe actuel est incorrect. Rien n'a "
        "été changé.",
        "account_error.link_unusable": "Ce lien est inconnu, déjà utilisé ou expiré. Demandez-en "
        "un nouveau à un administrateur.",
        "account_error.passwords_differ": "Les deux nouveaux mots de passe sont différents.",
        "change_password_title": "Changer mon mot de passe",
        "current_password": "Mot de passe actuel",
        "new_password": "Nouveau mot de passe",
        "confirm_password": "Nouveau mot de passe, une seconde fois",
        "password_rule": "Au moins 12 caractères, sans l'identifiant.",
        "save_password": "Enregistrer le mot de passe",
        "reset_title": "Choisir un mot de passe",
        "reset_intro": "Choisissez le mot de passe du compte {login}. Ce lien ne sert qu'une fois.",
        "reset_link_title": "Lien à usage unique",
        "account_created": "Le compte {login} ({name}) est créé. Transmettez ce lien à cette "
        "personne pour qu'elle choisisse son mot de passe :",
        "reset_link_intro": "Transmettez ce lien à {name} ({login}) pour qu'elle choisisse un "
        "nouveau mot de passe :",
        "reset_link_rule": "Le lien sert une seule fois et expire dans 24 heures. Il n'est "
        "affiché qu'ici.",
        "back_to_accounts": "Retour aux comptes",
        "accounts_title": "Comptes",
        "accounts_caption": "{count} compte(s)",
        "display_name": "Nom affiché",
        "roles": "Rôles",
        "scopes": "Périmètre",
        "scopes_hint": "Par exemple collection_point:<identifiant>, séparés par des espaces.",
        "account_state": "État",
        "actions": "Actions",
        "enabled": "Actif",
        "disabled": "Désactivé",
        "issue_reset_link": "Lien de réinitialisation",
        "disable": "Désactiver",
        "add_account": "Ajouter un compte",
        "role.collector": "Agent de point de collecte",
        "role.refurbisher": "Reconditionneur",
        "role.erasure_officer": "Responsable de l'effacement",
        "role.social_worker": "Travailleur social",
        "role.coordinator": "Coordination",
        "role.admin": "Administration",
        "machines_title": "Jetons machine",
        "machines_intro": "Pour les bornes et les intégrations : un secret échangé contre un "
        "jeton de 10 minutes ; le révoquer coupe l'accès en 10 minutes au plus.",
        "machine_name": "Nom de la machine",
        "machine_last_used": "Dernier usage",
        "revoked": "Révoqué",
        "revoke": "Révoquer",
        "add_machine": "Créer un jeton machine",
        "machine_secret_title": "Secret du jeton machine",
        "machine_secret_intro": "Voici le secret de « {name} ». Il n'est affiché qu'une fois : "
        "copiez-le dans la configuration de la machine.",
        "machine_secret_use": "La machine l'envoie à POST /api/v1/auth/machine-token et reçoit un "
        "jeton valable 10 minutes.",
        "account_error.no_such_machine_token": "Ce jeton machine n'existe pas.",
        "account_error.machine_revoked": "Ce jeton machine est inconnu ou révoqué.",
        "error.429": "Trop de tentatives. Patientez quelques minutes avant de réessayer.",
        "error.reason.csrf": "Le formulaire a expiré ou ne vient pas de Boucle. Rechargez la page "
        "et envoyez-le à nouveau. Rien n'a été changé.",
    },
    "en": {
        "skip_to_content": "Skip to content",
        "site_name": "Boucle",
        "tagline": "Reusing IT equipment across the metropolis",
        "switch_language": "Français",
        "switch_language_label": "Lire cette page en français",
        "footer": "Boucle — free software of the Métropole Européenne de Lille",
        "passport_title": "Device passport",
        "device_label": "Label",
        "device_type": "Device type",
        "current_stage": "Current stage",
        "history": "History",
        "date": "Date",
        "event": "Stage",
        "place": "Place",
        "not_found_title": "Device not found",
        "not_found_text": "No device carries the label {code}. Check the characters printed "
        "under the QR code.",
        "state.received": "Received at a collection point",
        "state.in_transit": "On its way to the workshop",
        "state.in_refurbishment": "Being refurbished",
        "state.ready": "Ready for a new life",
        "state.reserved": "Reserved for a household",
        "state.delivered": "Handed over to a household",
        "state.returned": "Brought back",
        "state.recycled": "Recycled",
        "state.dismantled": "Dismantled for parts",
        "type.laptop": "Laptop",
        "type.desktop": "Desktop computer",
        "type.tablet": "Tablet",
        "type.smartphone": "Smartphone",
        "type.monitor": "Monitor",
        "type.printer": "Printer",
        "type.peripheral": "Peripheral",
        "type.other": "Other",
        "service_home": "{service} service",
        "service_home_text": "This Boucle service is running. Its programming interface is "
        "described at {schema}.",
        "privacy_note": "This passport holds no personal data.",
        "error_title": "Something went wrong",
        "error.401": "Sign in to continue.",
        "error.403": "Your role does not allow this.",
        "error.404": "This page does not exist. Check the address.",
        "error.503": "The service is briefly unavailable. Try again in a moment.",
        "error.other": "The request did not go through. Nothing was saved.",
        "error_details": "Technical detail:",
        "form.error.summary": "Nothing was saved:",
        "form.field.required": "This field is required.",
        "form.field.too_long": "{limit} characters at most.",
        "form.field.too_short": "At least {least} characters.",
        "form.field.choose": "Choose one of the options.",
        "form.field.number": "A whole number from {low} to {high}.",
        "back_home": "Back to the home page",
        "language_nav": "Language",
        "passport_intro": "The journey of this device since it was donated, step by step.",
        "not_found_hint": "A Boucle label has 9 characters, for example K7Q2-M9XB-A.",
        "month.1": "January",
        "month.2": "February",
        "month.3": "March",
        "month.4": "April",
        "month.5": "May",
        "month.6": "June",
        "month.7": "July",
        "month.8": "August",
        "month.9": "September",
        "month.10": "October",
        "month.11": "November",
        "month.12": "December",
        "account_nav": "Account",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "sign_in_title": "Sign in",
        "login": "Login",
        "password": "Password",
        "forgot_password": "Forgot your password? Ask an administrator for a reset link.",
        "notice.signed_out": "You are signed out.",
        "notice.session_ended": "Your session has ended. Sign in again.",
        "notice.password_set": "Your password is saved. You can sign in.",
        "notice.disabled": "This account is disabled. Ask an administrator.",
        "notice.password_changed": "Your password was changed. Your other sessions are closed.",
        "account_error.wrong_credentials": "Wrong login or password.",
        "account_error.disabled": "This account is disabled. Ask an administrator.",
        "account_error.too_many_attempts": "Too many attempts. Try again in {minutes} minute(s).",
        "account_error.session_ended": "Your session has ended. Sign in again.",
        "account_error.invalid_account": "A login has 2 to 64 lower-case letters, digits, dots, "
        "dashes or underscores; a display name 1 to 120 characters.",
        "account_error.invalid_roles": "Choose at least one role.",
        "account_error.password_too_short": "The password needs at least 12 characters; a few "
        "unrelated words make a good one.",
        "account_error.password_has_login": "The password must not contain the login.",
        "account_error.login_taken": "This login is already taken.",
        "account_error.no_password_here": "This session is not tied to an account: no password to "
        "change.",
        "account_error.wrong_current_password": "The current password is wrong. Nothing was "
        "changed.",
        "account_error.link_unusable": "This link is unknown, already used or expired. Ask an "
        "administrator for a new one.",
        "account_error.passwords_differ": "The two new passwords differ.",
        "change_password_title": "Change my password",
        "current_password": "Current password",
        "new_password": "New password",
        "confirm_password": "New password, once more",
        "password_rule": "At least 12 characters, without the login.",
        "save_password": "Save the password",
        "reset_title": "Choose a password",
        "reset_intro": "Choose the password of the account {login}. This link works only once.",
        "reset_link_title": "One-time link",
        "account_created": "The account {login} ({name}) is created. Give this link to that "
        "person so they choose their password:",
        "reset_link_intro": "Give this link to {name} ({login}) so they choose a new password:",
        "reset_link_rule": "The link works once and expires in 24 hours. It is shown only here.",
        "back_to_accounts": "Back to the accounts",
        "accounts_title": "Accounts",
        "accounts_caption": "{count} account(s)",
        "display_name": "Display name",
        "roles": "Roles",
        "scopes": "Scope",
        "scopes_hint": "For example collection_point:<id>, separated by spaces.",
        "account_state": "State",
        "actions": "Actions",
        "enabled": "Enabled",
        "disabled": "Disabled",
        "issue_reset_link": "Reset link",
        "disable": "Disable",
        "add_account": "Add an account",
        "role.collector": "Collection-point agent",
        "role.refurbisher": "Refurbisher",
        "role.erasure_officer": "Erasure officer",
        "role.social_worker": "Social worker",
        "role.coordinator": "Coordinator",
        "role.admin": "Administrator",
        "machines_title": "Machine tokens",
        "machines_intro": "For kiosks and integrations: a secret exchanged for a 10-minute token; "
        "revoking it cuts access within 10 minutes.",
        "machine_name": "Machine name",
        "machine_last_used": "Last used",
        "revoked": "Revoked",
        "revoke": "Revoke",
        "add_machine": "Create a machine token",
        "machine_secret_title": "Machine token secret",
        "machine_secret_intro": "This is the secret of “{name}”. It is shown only once: copy it "
        "into the machine's configuration.",
        "machine_secret_use": "The machine sends it to POST /api/v1/auth/machine-token and gets a "
        "token valid 10 minutes.",
        "account_error.no_such_machine_token": "This machine token does not exist.",
        "account_error.machine_revoked": "This machine token is unknown or revoked.",
        "error.429": "Too many attempts. Wait a few minutes before trying again.",
        "error.reason.csrf": "The form has expired or does not come from Boucle. Reload the page "
        "and send it again. Nothing was changed.",
    },
}


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """``?lang=`` first, then the remembered choice, then French."""
    asked = connection.query_params.get("lang")
    if asked in LANGUAGES:
        return str(asked)
    remembered = connection.cookies.get(LANGUAGE_COOKIE)
    return remembered if remembered in LANGUAGES else "fr"


def translator(language: str) -> Any:
    catalog = CATALOGS[language]

    def translate(key: str, **values: Any) -> str:
        text = catalog.get(key) or CATALOGS["fr"].get(key) or key
        return text.format(**values) if values else text

    return translate


def register(catalogs: dict[str, dict[str, str]]) -> None:
    """Add a service's own messages; a key defined twice is a mistake, refused."""
    for language, messages in catalogs.items():
        clash = set(messages) & set(CATALOGS[language])
        if clash:
            raise ValueError(f"messages defined twice: {', '.join(sorted(clash))}")
        CATALOGS[language].update(messages)
