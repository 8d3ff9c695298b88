"""Demo records of the Espace Organismes (seed_demo): UCANSS and three organismes (the third without a
correspondent), a dozen applications, account and access requests in every state (one at day 9, one
past day 10), rights granted and revoked, newsletters. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.history import record_transition

from . import services
from .enums import AccessRequestState, AccountRequestState, Management, Newsletter
from .models import AccessRequest, AccountRequest, Application, Organisme, Profile, Right, Subscription
from .workflows import ACCESS_REQUEST, ACCOUNT_REQUEST, RIGHT

DEMO_CLIENT_ID = "demo-rp"
DEMO_CLIENT_SECRET = "demo-rp-secret-2026"  # noqa: S105 - the demo relying party's, DEBUG only

# (slug, name, description, management)
APPLICATIONS = [
    ("accords-locaux", "Accords locaux", "Dépôt et consultation des accords locaux de votre organisme.", "local"),
    ("droit-syndical", "Droit syndical", "Suivi des crédits d’heures et des mandats syndicaux.", "local"),
    ("greve", "Grève", "Déclaration des mouvements de grève et des agents grévistes.", "local"),
    ("elections", "Élections professionnelles", "Organisation et résultats des élections professionnelles.", "local"),
    ("aide-aux-aidants", "Aide aux aidants", "Le dispositif d’accompagnement des salariés aidants.", "central"),
    ("bilan-social", "Bilan social", "Saisie et restitution du bilan social de l’organisme.", "local"),
    ("remuneration", "Rémunération", "Tableaux de bord de la rémunération et des mesures salariales.", "local"),
    ("formation", "Formation professionnelle", "Plan de développement des compétences et inscriptions.", "local"),
    ("barometre-social", "Baromètre social", "Enquête nationale de climat social et ses résultats.", "central"),
    (
        "referentiel-add",
        "Référentiel des agents de direction",
        "Carrières et mobilité des agents de direction.",
        "central",
    ),
    ("marches-publics", "Marchés publics", "Achats mutualisés et consultations en cours.", "central"),
    ("immobilier", "Immobilier", "Patrimoine immobilier et projets de travaux.", "central"),
]

ORGANISME_DETAILS = {
    "751000": ("12 rue de la Santé", "75013", "Paris", "01 40 00 00 00"),
    "752000": ("2 place de la Famille", "75019", "Paris", "01 41 00 00 00"),
    "753000": ("8 quai du Recouvrement", "93100", "Montreuil", "01 42 00 00 00"),
}


def _pending(user, application, organisme, days_ago, justification=""):
    access_request = AccessRequest.objects.create(
        user=user,
        application=application,
        organisme=organisme,
        justification=justification,
        created_at=timezone.now() - timedelta(days=days_ago, hours=1),
        reminders_sent=sum(1 for d in (3, 7) if days_ago >= d),
    )
    record_transition(access_request, actor=user, from_state="", to_state=AccessRequestState.PENDING)
    return access_request


@transaction.atomic
def seed(*, orgs, users):
    if Application.objects.filter(slug="accords-locaux").exists():
        return
    cpam, caf = orgs["organisme"], orgs["organisme2"]
    urssaf = orgs["organisme3"]
    for organisation in (cpam, caf, urssaf):
        address, postcode, town, phone = ORGANISME_DETAILS.get(organisation.code, ("", "", "", ""))
        Organisme.objects.get_or_create(
            organisation=organisation,
            defaults={"address": address, "postcode": postcode, "town": town, "phone": phone},
        )
    applications = {}
    for position, (slug, name, description, management) in enumerate(APPLICATIONS, start=1):
        applications[slug] = Application.objects.create(
            slug=slug,
            name=name,
            description=description,
            management=Management(management),
            url=f"http://localhost:8001/{slug}/",
            position=position,
        )
    manager = users["applis@ucanss.demo"]
    for slug in ("aide-aux-aidants", "barometre-social", "referentiel-add", "marches-publics", "immobilier"):
        services.application_managers_set(application=applications[slug], managers=[manager])

    correspondent = users["correspondant@cpam.demo"]
    agent = users["agent@cpam.demo"]
    caf_correspondent = users["correspondant@caf.demo"]
    urssaf_agent = users["agent@urssaf.demo"]
    colleague = users["collegue@cpam.demo"]
    for user in (correspondent, agent, caf_correspondent, urssaf_agent, colleague):
        Profile.objects.get_or_create(user=user)

    scope = AccessRequest.objects.all()
    # Granted by the correspondent, then a right revoked later with a reason.
    granted = _pending(agent, applications["accords-locaux"], cpam, 40)
    ACCESS_REQUEST.run("grant", granted, actor=correspondent, scope=scope)
    revoked = _pending(agent, applications["remuneration"], cpam, 60)
    ACCESS_REQUEST.run("grant", revoked, actor=correspondent, scope=scope)
    RIGHT.run(
        "revoke",
        Right.objects.get(request=revoked),
        actor=correspondent,
        scope=Right.objects.all(),
        reason="Changement de service : ces tableaux ne vous concernent plus.",
    )
    # Accepted tacitly (the job ran), refused with a reason, cancelled by the requester.
    tacit = _pending(agent, applications["formation"], cpam, 15)
    ACCESS_REQUEST.run("accept_tacitly", tacit, scope=scope)
    refused = _pending(agent, applications["bilan-social"], cpam, 20, "Pour préparer le bilan de cette année.")
    ACCESS_REQUEST.run(
        "refuse", refused, actor=correspondent, scope=scope, reason="Le bilan social est saisi par le service RH."
    )
    cancelled = _pending(agent, applications["droit-syndical"], caf, 5)
    ACCESS_REQUEST.run("cancel", cancelled, actor=agent, scope=scope)
    # Pending: day 2, day 9 (tomorrow it is accepted) and past day 10 (the next run of the job accepts it).
    _pending(agent, applications["droit-syndical"], cpam, 2, "Je suis le nouveau référent syndical.")
    _pending(agent, applications["greve"], cpam, 9, "Je déclare les grèves du site de Villeneuve.")
    _pending(colleague, applications["elections"], cpam, 11, "Membre du bureau de vote.")
    _pending(agent, applications["barometre-social"], cpam, 4, "Restitution du baromètre à la direction.")
    _pending(urssaf_agent, applications["accords-locaux"], urssaf, 1)

    # The Aide aux aidants account of the CPAM (identifier 751000RH) uses its application.
    caregiver = users.get("751000RH")
    if caregiver is not None:
        services.right_grant_directly(user=caregiver, application=applications["aide-aux-aidants"], organisme=cpam)

    # Account requests: pending for the CPAM (its correspondent decides), for the Urssaf (no correspondent:
    # the central admins decide), accepted, refused.
    def account_request(email, first_name, last_name, organisme, days_ago, second_organisme=None):
        account = AccountRequest.objects.create(
            email=email,
            second_organisme=second_organisme,
            civility="mme",
            first_name=first_name,
            last_name=last_name,
            organisme=organisme,
            phone="01 23 45 67 89",
            created_at=timezone.now() - timedelta(days=days_ago),
        )
        record_transition(account, actor=None, from_state="", to_state=AccountRequestState.PENDING)
        return account

    account_request("nouvelle@cpam.demo", "Nina", "Ouvelle", cpam, 1)
    account_request("recrue@urssaf.demo", "Rachid", "Ecrue", urssaf, 2)
    # Naming the CAF second: the CPAM's correspondent decides, the CAF's sees it for information.
    account_request("double@cpam.demo", "Denis", "Ouble", cpam, 3, second_organisme=caf)
    refused_account = account_request("inconnu@exemple.demo", "Iris", "Connue", cpam, 6)
    ACCOUNT_REQUEST.run(
        "refuse",
        refused_account,
        actor=correspondent,
        scope=AccountRequest.objects.all(),
        reason="Adresse personnelle : faites la demande avec votre e-mail professionnel.",
    )
    # The request by which the CAF's correspondent let the demo agent in, long ago.
    accepted_account = account_request("agent@cpam.demo", "Olivier", "Ganisme", caf, 90)
    ACCOUNT_REQUEST.run(
        "accept",
        accepted_account,
        actor=caf_correspondent,
        scope=AccountRequest.objects.all(),
        updates={"user": agent},
    )

    # The demo relying party (demo/relying_party.py) is "Accords locaux"'s single sign-on client.
    accords = applications["accords-locaux"]
    accords.url = "http://localhost:8001/"
    accords.save(update_fields=["url"])
    services.oidc_client_register(
        application=accords,
        redirect_uris=["http://localhost:8001/callback"],
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
    )

    for newsletter in (Newsletter.RH, Newsletter.RSO):
        Subscription.objects.get_or_create(user=agent, newsletter=newsletter)
