"""The register rebuilt from the streams into a schema of its own, replayed through inventory's
own handlers in bounded memory, and compared with the live one by digest."""
