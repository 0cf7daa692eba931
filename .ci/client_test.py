"""A national IT team's first use of enlace, through a client generated from the committed OpenAPI
document by openapi-python-client (not hand-written requests): sign in, submit a case, read it
redacted as another country, upload a report. Run by .ci/security against the real binary.

Usage: client_test.py BASE_URL CA_FILE CASE_JSON  (env: GT_USER, GT_PASSWORD, MX_USER, MX_PASSWORD)
"""
import json
import os
import sys

from enlace_client import AuthenticatedClient, Client
from enlace_client.api.auth import login
from enlace_client.api.cases import cases_create, cases_get
from enlace_client.api.reports import upload
from enlace_client.models import CaseInput, LoginRequest
from enlace_client.types import File

base, ca, case_file = sys.argv[1:4]


def sign_in(user, password):
    anonymous = Client(base_url=base, verify_ssl=ca)
    res = login.sync_detailed(client=anonymous, body=LoginRequest(username=user, password=password))
    assert res.status_code == 200, (res.status_code, res.content)
    return AuthenticatedClient(base_url=base, token=res.parsed.access_token, verify_ssl=ca)


gt = sign_in(os.environ["GT_USER"], os.environ["GT_PASSWORD"])
mx = sign_in(os.environ["MX_USER"], os.environ["MX_PASSWORD"])

with open(case_file) as f:
    document = json.load(f)
document["summary"] = "RESUMEN-CANARIO-7319, reservado por su país"
document["sharing"] = {"scope": "network"}
document["field_reservations"] = [{"path": "summary", "reason": "Ley de protección de datos, art. 5"}]
created = cases_create.sync_detailed(client=gt, body=CaseInput.from_dict(document))
assert created.status_code == 201, (created.status_code, created.content)
case_id = json.loads(created.content)["case_id"]

read = cases_get.sync_detailed(case_id, client=mx)
assert read.status_code == 200, (read.status_code, read.content)
foreign = json.loads(read.content)
assert foreign["summary"].get("withheld") is True, foreign["summary"]
assert document["summary"] not in read.content.decode(), "the reserved summary reached another country"

pdf = b"%PDF-1.7\n" + bytes(range(256)) * 8
report = upload.sync_detailed(
    client=gt, body=File(payload=pdf, file_name="informe.pdf"), title="Informe anual", period="2025", language="es"
)
assert report.status_code == 201, (report.status_code, report.content)
print("generated client: signed in, case", case_id, "created and read redacted as MX, report uploaded")
