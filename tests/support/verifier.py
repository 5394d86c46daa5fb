"""An erasure certificate PDF issued through the workshop's API, for the verifier's tests."""

from __future__ import annotations

import httpx
import pytest

from boucle.devstack.stack import Stack
from services.collection_point.domain import CollectionPoint
from tests.support.http import bearer
from tests.support.stacks import token_for
from tests.support.workshop import NVME, checked_in, donated_device, new_workshop


@pytest.fixture
async def issued_pdf(
    stack: Stack, http: httpx.AsyncClient, collection_point: CollectionPoint
) -> bytes:
    """The PDF of a certificate issued by a workshop, as downloaded."""
    base = f"{stack.url('refurbishment')}/api/v1"
    code = await donated_device(stack, collection_point)
    workshop = await new_workshop(stack)
    order = await checked_in(stack, http, workshop, code)
    amina = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="amina")
    bruno = token_for(stack, "erasure_officer", f"workshop:{workshop}", subject="bruno")
    recorded = await http.post(
        f"{base}/work-orders/{order}/erasures", json={"media": [NVME]}, headers=bearer(amina)
    )
    issued = await http.post(
        f"{base}/erasures/{recorded.json()['erasure_id']}/validation", headers=bearer(bruno)
    )
    assert issued.status_code == 201, issued.text
    pdf = await http.get(stack.url("refurbishment") + issued.json()["pdf"], headers=bearer(bruno))
    return pdf.content
