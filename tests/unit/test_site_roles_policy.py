"""Who manages the roles on a site and its own settings: pure policy (services.access)."""
from __future__ import annotations

import pytest

from models.enums import Role
from services.access import SiteAccess


@pytest.mark.parametrize("access, manages_roles, edits_site", [
    (SiteAccess(1, is_admin=True), True, True),
    (SiteAccess(1, is_corporation_admin=True), True, True),
    (SiteAccess(1, roles=frozenset({Role.SOCIAAL_BEHEERDER})), True, False),
    *[(SiteAccess(1, roles=frozenset({role})), False, False)
      for role in Role if role != Role.SOCIAAL_BEHEERDER],
    (SiteAccess(1), False, False),
])
def test_who_manages_roles_and_settings(access, manages_roles, edits_site):
    assert access.can_manage_roles is manages_roles
    assert access.can_edit_site is edits_site
