"""Sign-in timings for a known and an unknown e-mail: ``.venv/bin/python bench/bench_auth.py``.

Issue 13: an unknown e-mail was answered faster, because its password was checked against a
cheap pbkdf2 decoy while real hashes are scrypt, so timing told which e-mails have an account.
This runs ``POST /api/v1/auth/token`` with the hashing of a real deployment (the development
config: werkzeug's scrypt) for a known e-mail with a wrong password, an unknown e-mail, and the
right password, interleaved; then the password check alone against a real hash, today's decoy,
and the decoy used before. Figures are milliseconds: median, and the 10th-90th percentiles.
The throttle is set out of the way; a fresh SQLite file holds one user.
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from werkzeug.security import check_password_hash, generate_password_hash  # noqa: E402

from app import create_app  # noqa: E402

REPEATS = 15
PASSWORD = "correct horse battery"


def summary(timings: list[float]) -> str:
    deciles = statistics.quantiles(timings, n=10)
    return f"{statistics.median(timings):7.1f} ms  ({deciles[0]:.1f}-{deciles[-1]:.1f})"


def timed_ms(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    from app.services import auth
    from app.services.councils import sync_council_rows
    from app.services.users import create_user

    workdir = Path(tempfile.mkdtemp(prefix="ctflow-bench-auth-"))
    app = create_app(
        "development", INSTANCE_PATH=str(workdir), SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SECRET_KEY="bench", LOGIN_FREE_FAILURES=10**6, LOGIN_FREE_FAILURES_PER_ADDRESS=10**6,
    )  # fmt: skip
    with app.app_context():
        upgrade()
        sync_council_rows()
        user = create_user(
            email="officer@example.org",
            password=PASSWORD,
            councils=("derby-city",),
            role="community_safety_officer",
        )
        real_hash = user.password_hash
        decoy_hash = auth.decoy_password_hash()
    client = app.test_client()
    attempts = {
        "known e-mail, wrong password": ("officer@example.org", "wrong password", 401),
        "unknown e-mail": ("nobody@example.org", "wrong password", 401),
        "known e-mail, right password": ("officer@example.org", PASSWORD, 200),
    }
    timings: dict[str, list[float]] = {name: [] for name in attempts}
    for _ in range(REPEATS):
        for name, (email, password, status) in attempts.items():

            def post(email=email, password=password, status=status):
                response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
                assert response.status_code == status, response.get_json()

            timings[name].append(timed_ms(post))

    print(f"POST /api/v1/auth/token, {REPEATS} each, hashing {app.config['PASSWORD_HASH_METHOD']}:")
    for name, values in timings.items():
        print(f"  {name:32} {summary(values)}")
    gap = statistics.median(timings["unknown e-mail"]) - statistics.median(
        timings["known e-mail, wrong password"]
    )
    print(f"  unknown minus known (medians)    {gap:+7.1f} ms")

    before_decoy = generate_password_hash("not a real password", method="pbkdf2:sha256:1000")
    print("The password check alone:")
    for name, pwhash in (
        (f"real hash ({real_hash.split('$')[0]})", real_hash),
        (f"decoy now ({decoy_hash.split('$')[0]})", decoy_hash),
        (f"decoy before ({before_decoy.split('$')[0]})", before_decoy),
    ):
        values = [
            timed_ms(lambda pwhash=pwhash: check_password_hash(pwhash, "wrong password"))
            for _ in range(REPEATS)
        ]
        print(f"  {name:32} {summary(values)}")


if __name__ == "__main__":
    main()
