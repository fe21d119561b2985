"""Profile pictures: uploads resized on the server, or generated initials."""

from __future__ import annotations

import re
import struct
import zlib
from io import BytesIO

import pytest
from PIL import Image

from app.extensions import db
from tests.support import sign_in

BOUNDARY = "avatar-test-boundary"


def jpeg_bytes(width: int = 800, height: int = 500) -> bytes:
    """A real photo-like JPEG: a colour gradient."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims the given size but whose pixels never come (a bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def multipart_body(data: bytes, filename: str) -> bytes:
    """The upload as a browser sends it (built here: the test client spools big files to disk
    and leaves the file open)."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="avatar"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def upload(client, data: bytes, filename: str = "me.jpg"):
    return client.post(
        "/settings/avatar",
        data=multipart_body(data, filename),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def avatar_src(client, handle: str) -> str:
    page = client.get(f"/@{handle}").get_data(as_text=True)
    return re.search(r'<img class="avatar" src="([^"]+)"', page).group(1)


def test_uploaded_photo_becomes_a_256px_square_png(client, make_user):
    user = make_user("Svenja Köhler", handle="svenja")
    sign_in(client, user)
    response = upload(client, jpeg_bytes(800, 500))
    assert response.status_code == 302
    src = avatar_src(client, "svenja")
    assert src.startswith("/@svenja/avatar.png?v=")
    served = client.get(src)
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(BytesIO(served.data)) as image:
        assert (image.format, image.size) == ("PNG", (256, 256))
    anonymous = client.application.test_client()
    assert anonymous.get("/@svenja/avatar.png").status_code == 200


def test_png_gif_and_webp_uploads_are_accepted(client, make_user):
    sign_in(client, make_user(handle="pics"))
    for kind in ("PNG", "GIF", "WEBP"):
        out = BytesIO()
        Image.new("RGBA" if kind != "GIF" else "P", (300, 400)).save(out, format=kind)
        assert upload(client, out.getvalue(), f"me.{kind.lower()}").status_code == 302, kind


def test_a_new_upload_gets_a_new_url_even_after_removal(client, make_user):
    user = make_user(handle="svenja")
    sign_in(client, user)
    upload(client, jpeg_bytes(400, 400))
    first = avatar_src(client, "svenja")
    client.post("/settings/avatar/remove")
    assert avatar_src(client, "svenja") == "/@svenja/initials.svg"
    assert client.get("/@svenja/avatar.png").status_code == 404
    gradient = Image.linear_gradient("L").resize((400, 400)).rotate(90).convert("RGB")
    out = BytesIO()
    gradient.save(out, format="JPEG")
    upload(client, out.getvalue())
    second = avatar_src(client, "svenja")
    assert second.startswith("/@svenja/avatar.png?v=")
    assert second != first, "a browser that cached the first picture would keep showing it"


def refused(response) -> str:
    assert 400 <= response.status_code < 500, response.status_code
    page = response.get_data(as_text=True)
    match = re.search(r'<p class="field-error" id="avatar-error">([^<]+)</p>', page)
    assert match, "the picture field should say what is wrong"
    return match.group(1)


def test_a_non_image_file_is_refused_with_a_field_message(client, make_user):
    user = make_user()
    sign_in(client, user)
    message = refused(upload(client, b"%PDF-1.4 not a picture at all", "cv.pdf"))
    assert "not a picture we can read" in message
    db.session.refresh(user)
    assert user.avatar_version == 0


def test_a_truncated_jpeg_is_refused_with_a_field_message(client, make_user):
    sign_in(client, make_user())
    data = jpeg_bytes(800, 500)
    refused(upload(client, data[: len(data) // 2]))


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 8000), (10_000, 10_000), (20_000, 20_000), (100_000, 100_000), (1, 2**31 - 1)],
)
def test_huge_dimensions_are_refused_with_a_field_message(client, make_user, width, height):
    sign_in(client, make_user())
    refused(upload(client, png_header_only(width, height), "bomb.png"))


def test_a_real_large_image_is_refused_without_running_out_of_memory(client, make_user):
    sign_in(client, make_user())
    out = BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, format="PNG")
    assert len(out.getvalue()) < 2 * 1024 * 1024
    refused(upload(client, out.getvalue(), "big.png"))


def test_a_file_over_two_megabytes_is_refused(client, make_user):
    sign_in(client, make_user())
    message = refused(upload(client, b"\xff\xd8" + b"\x00" * (2 * 1024 * 1024 + 10)))
    assert "larger than 2 MB" in message


def test_a_request_over_the_size_limit_gets_a_styled_413(client, make_user):
    sign_in(client, make_user())
    response = upload(client, b"\x00" * (5 * 1024 * 1024))
    assert response.status_code == 413
    assert '<main id="main">' in response.get_data(as_text=True)


def test_an_empty_upload_is_refused(client, make_user):
    sign_in(client, make_user())
    response = client.post("/settings/avatar", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'id="avatar-error"' in response.get_data(as_text=True)


def test_unusual_pixel_formats_do_not_fail(client, make_user):
    sign_in(client, make_user())
    for mode, kind in [
        ("I;16", "PNG"),
        ("LA", "PNG"),
        ("1", "PNG"),
        ("P", "PNG"),
        ("CMYK", "JPEG"),
        ("L", "JPEG"),
        ("RGBA", "WEBP"),
        ("F", "TIFF"),
    ]:
        out = BytesIO()
        Image.new(mode, (300, 200)).save(out, format=kind)
        response = upload(client, out.getvalue(), f"odd.{kind.lower()}")
        assert response.status_code == (422 if kind == "TIFF" else 302), (mode, kind)


def test_without_upload_the_initials_svg_is_shown(client, make_user):
    make_user("Svenja Köhler", handle="svenja")
    assert avatar_src(client, "svenja") == "/@svenja/initials.svg"
    svg = client.get("/@svenja/initials.svg")
    assert svg.status_code == 200
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert ">SK</text>" in text
    urls = re.findall(r"https?://[^\"' )]+", text)
    assert urls == ["http://www.w3.org/2000/svg"]


def test_initials_svg_cannot_carry_markup_from_the_name(client, make_user):
    # such a name is refused now; one saved before that still must not become markup
    make_user("Odd", handle="odd", display_name='<b onload="x">"&')
    text = client.get("/@odd/initials.svg").get_data(as_text=True)
    assert "<b" not in text and "onload" not in text


def test_pages_with_avatars_name_no_third_party_host(client, make_user, make_letter):
    user = make_user("Svenja Köhler", handle="svenja")
    letter = make_letter(user, None)
    for path in ("/@svenja", f"/letters/{letter.slug}", "/"):
        page = client.get(path).get_data(as_text=True)
        hosts = set(re.findall(r'(?:src|href|action)="(?:https?:)?//([^/"]+)', page))
        assert hosts <= {"briefe.example.org"}, (path, hosts)
