"""Schemathesis extensions for enlace's schema fuzzing (.ci/security).

Report uploads (`POST /api/v1/reports`) take the file itself as the body, documented as
`application/pdf`: schemathesis has no generator for that media type, so it gets one here. The
server decides the type by content (PDF, DOCX or ODT; 415 otherwise), so the samples are small
but genuine PDF files.
"""

import schemathesis
from hypothesis import strategies as st

PDF_SAMPLES = [
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
]

schemathesis.openapi.media_type("application/pdf", st.sampled_from(PDF_SAMPLES))
