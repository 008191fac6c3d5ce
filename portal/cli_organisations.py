"""``flask organisations create | invite-admin | list``: put a service into use (production too).

The operator creates the organisation and invites its first admin; the admin does the rest in
the portal. The invitation link is emailed (by the notification worker) and printed here once:
it is a way into a new admin account, so it is never logged and never shown again.
"""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Organisation, Role, User
from portal.services.accounts.organisation_settings import (
    OrganisationSettings,
    SettingsError,
    crisis_contacts_from_lines,
)
from portal.services.accounts.provisioning import (
    ProvisioningError,
    create_organisation,
    find_organisation,
    invite_first_admin,
)

organisations_cli = AppGroup("organisations", help="Set up a service: its organisation and admin.")


@organisations_cli.command("create")
@click.option("--name", required=True, help="The organisation's own name (staff see it).")
@click.option(
    "--service-name",
    default=None,
    help="The neutral name victims see on every page [default: SERVICE_NAME].",
)
@click.option("--reply-days", default=1, show_default=True, help="Reply target, working days.")
@click.option(
    "--retention-months", default=12, show_default=True, help="Months case content is kept."
)
@click.option(
    "--crisis-contact",
    "crisis_contacts",
    multiple=True,
    metavar='"NAME: NUMBER"',
    help="A crisis line for the footer; repeat for more [default: CRISIS_CONTACTS].",
)
@click.option("--exit-url", default=None, help="Where Exit this page goes [default: EXIT_URL].")
def create(
    name: str,
    service_name: str | None,
    reply_days: int,
    retention_months: int,
    crisis_contacts: tuple[str, ...],
    exit_url: str | None,
) -> None:
    """Create an organisation (running it again with the same settings changes nothing)."""
    settings = current_app.config["WAYPOINT_SETTINGS"]
    try:
        contacts = crisis_contacts_from_lines("\n".join(crisis_contacts))
        result = create_organisation(
            db.session(),
            name,
            OrganisationSettings(
                service_name=service_name if service_name is not None else settings.SERVICE_NAME,
                reply_target_working_days=reply_days,
                crisis_contacts=contacts,
                exit_url=exit_url,
                retention_months=retention_months,
            ),
        )
    except SettingsError as error:
        db.session.rollback()
        raise click.ClickException(f"Crisis contacts: {error.message}.") from None
    except ProvisioningError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    org = result.organisation
    if result.created:
        click.echo(f"Created {org.name!r} (id {org.id}).")
    else:
        click.echo(f"{org.name!r} already exists with these settings: nothing changed.")
    click.echo(
        f'Next: flask --app portal organisations invite-admin --organisation "{org.name}" '
        '--name "…" --email "…"'
    )


@organisations_cli.command("invite-admin")
@click.option("--organisation", "organisation_name", required=True, help="Its name, as created.")
@click.option("--name", required=True, help="The admin's full name.")
@click.option("--email", required=True, help="The admin's work email address.")
def invite_admin(organisation_name: str, name: str, email: str) -> None:
    """Invite the organisation's first admin: emailed, and the link printed here once."""
    session = db.session()
    org = find_organisation(session, organisation_name)
    if org is None:
        raise click.ClickException(
            f"There is no organisation called {organisation_name!r}: "
            "create it first with `flask organisations create`."
        )
    try:
        invited = invite_first_admin(session, org, name=name, email=email)
    except ProvisioningError as error:
        session.rollback()
        raise click.ClickException(str(error)) from None
    session.commit()
    base = current_app.config["WAYPOINT_SETTINGS"].PUBLIC_BASE_URL.rstrip("/")
    with current_app.test_request_context():
        path = url_for("auth.invitation", token=invited.issued.token)
    if not invited.first_invitation:
        click.echo("The earlier invitation no longer works.")
    click.echo(
        f"Invited {invited.admin.display_name} <{invited.admin.email}> as the administrator "
        f"of {org.name!r}. The notification worker emails them the link."
    )
    click.echo(
        "The link, shown this once (it works once, until "
        f"{invited.issued.invitation.expires_at:%d %B %Y %H:%M} UTC):"
    )
    click.echo(f"  {base}{path}")
    click.echo(
        "Admins sign in with a passphrase and an authenticator app; "
        "they invite everyone else in the portal."
    )


@organisations_cli.command("list")
def list_organisations() -> None:
    """Every organisation with its count of staff and admins (no personal details)."""
    session = db.session()
    staff = dict(
        session.execute(
            select(User.organisation_id, func.count())
            .where(User.role != Role.VICTIM)
            .group_by(User.organisation_id)
        ).all()
    )
    organisations = session.scalars(select(Organisation).order_by(Organisation.name)).all()
    if not organisations:
        click.echo("No organisations yet: `flask organisations create --name ...`.")
    for org in organisations:
        click.echo(
            f"{org.name}  (service name {org.service_name!r}, {staff.get(org.id, 0)} staff, "
            f"id {org.id})"
        )
