"""JSON API of inventory."""

from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from services.inventory import store
from services.inventory.domain import Device
from shared.auth import ROLES
from shared.errors import NotFound
from shared.labels import format_code, parse_code
from shared.web.app import Runtime
from shared.web.security import allow


class DeviceController(Controller):
    path = "/api/v1/devices"
    tags = ["devices"]

    @get("/{code:str}", opt=allow(*ROLES))
    async def get_device(self, code: FromPath[str], runtime: NamedDependency[Runtime]) -> Device:
        """A device by its label (URL, bare code, any case, dashes or not), with its history."""
        label = parse_code(code)
        device = await store.device_by_label(runtime.pool, label)
        if device is None:
            raise NotFound(f"No device carries the label {format_code(label)} yet.")
        return device


ROUTES = [DeviceController]
