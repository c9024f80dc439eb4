"""A letter as an e-mail draft: an .eml file any mail program opens to review and send
(kundenbuch sends nothing). Built with the standard library's email package.

- To: the client's E-Mail; From: the business's name and E-Mail (Einstellungen).
- Subject: the letter's subject line; body: the letter's own text below it, both read
  back from the rendered .docx (the address block and letterhead stay in the PDF), so a
  template changed in Word changes the e-mail too.
- Attached: the letter as PDF, and an XRechnung's XML where there is one.
- "X-Unsent: 1" makes Outlook open it as a draft; Thunderbird and Apple Mail open .eml
  files as messages to edit and send.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph


def letter_text(docx: Path) -> str:
    """The body of a rendered letter as plain text: paragraphs and table rows in order,
    from the subject line on (the first table is the address and info block)."""
    document = Document(str(docx))
    blocks, tables_seen = [], 0           # a paragraph, or the rows of a table
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text.startswith("•") and blocks and blocks[-1][0].startswith("•"):
                blocks[-1].append(text)      # a list stays together
            elif text:
                blocks.append([text])
        elif tag == "tbl":
            tables_seen += 1
            if tables_seen == 1:
                continue                  # address and info block: in the PDF
            rows = []
            for row in Table(child, document).rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if text and (not cells or cells[-1] != text):   # merged cells repeat
                        cells.append(text)
                if cells:
                    rows.append("  ".join(cells))
            if rows:
                blocks.append(rows)
    # the subject on the first line, then paragraphs with a blank line between them
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"


def draft(letter, docx: Path, attachments: list[tuple[str, Path]], sender: dict) -> bytes:
    """The .eml bytes of one letter; letter.client must have an E-Mail. attachments:
    (the name the client sees, the file)."""
    message = EmailMessage()
    message["From"] = formataddr((sender.get("firma") or sender.get("inhaber") or "",
                                  sender.get("email") or ""))
    message["To"] = formataddr((letter.context["empfaenger"]["name"],
                                str(letter.client["email"]).strip()))
    # the template's subject line (as changed in Word), then the text below it
    subject, _, body = letter_text(docx).partition("\n\n")
    message["Subject"] = subject or letter.context["betreff"]
    message["Message-ID"] = make_msgid(domain="kundenbuch.invalid")
    message["X-Unsent"] = "1"
    message.set_content(body.lstrip("\n"))
    for name, path in attachments:
        subtype = "pdf" if name.endswith(".pdf") else "xml"
        message.add_attachment(path.read_bytes(), maintype="application", subtype=subtype,
                               filename=name)
    return bytes(message)


def has_address(client) -> bool:
    text = str(client["email"] or "").strip()
    return "@" in text and " " not in text
