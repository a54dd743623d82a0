"""Password hashing at OWASP's argon2id minimum: a hash made with the old default (argon2-cffi's t=3, 64 MiB, p=4)
still signs in and is stored again at today's parameters; a wrong password neither signs in nor rehashes."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from tests.conftest import PASSWORD, csrf_token_from, isolated_client

# argon2-cffi's PasswordHasher() default before issue 18 (RFC 9106's second recommended profile)
OLD_DEFAULT = "$argon2id$v=19$m=65536,t=3,p=4$"
# OWASP Password Storage Cheat Sheet, "Argon2id": "m=19456 (19 MiB), t=2, p=1"
OWASP_19_MIB = "$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hasher(monkeypatch):
    """Today's production hasher instead of the tests' cheap one (tests/conftest.py), for these tests only."""
    from backoffice.security import models

    monkeypatch.setattr(models, "_hasher", PasswordHasher(**models.PASSWORD_HASH_PARAMETERS))
    return models._hasher


def _sign_in(app, email, password):
    http = isolated_client(app)
    token = csrf_token_from(http.get("/login").data)
    return http.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _stored_hash(db, user):
    db.session.expire_all()
    return db.session.get(type(user), user.id).password_hash


def test_new_passwords_are_hashed_with_owasps_19_mib_two_pass_one_lane_configuration(db, make_user,
                                                                                    production_hasher):
    """OWASP Password Storage Cheat Sheet, Argon2id: "m=19456 (19 MiB), t=2, p=1" — the PHC string names them."""
    user = make_user("hr")
    assert user.password_hash.startswith(OWASP_19_MIB)
    assert production_hasher.verify(user.password_hash, PASSWORD)


def test_a_hash_from_the_old_default_still_signs_in_and_is_stored_again_at_owasps_parameters(app, db, make_user,
                                                                                          production_hasher):
    user = make_user("hr")
    user.password_hash = PasswordHasher().hash(PASSWORD)     # as every account had it before
    db.session.commit()
    assert user.password_hash.startswith(OLD_DEFAULT)

    resp = _sign_in(app, user.email, PASSWORD)

    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/")
    rehashed = _stored_hash(db, user)
    assert rehashed.startswith(OWASP_19_MIB) and production_hasher.verify(rehashed, PASSWORD)
    # the next sign-in finds nothing to upgrade: the hash stays as it is
    assert _sign_in(app, user.email, PASSWORD).status_code == 302
    assert _stored_hash(db, user) == rehashed


def test_a_wrong_password_against_an_old_hash_fails_and_leaves_the_hash_alone(app, db, make_user,
                                                                             production_hasher):
    user = make_user("compliance")
    old = user.password_hash = PasswordHasher().hash(PASSWORD)
    db.session.commit()

    resp = _sign_in(app, user.email, "not-the-password")

    assert resp.status_code == 401 and b"Email or password is wrong." in resp.data
    assert _stored_hash(db, user) == old


def test_a_hash_already_at_todays_parameters_is_not_rewritten_at_sign_in(app, db, make_user, production_hasher):
    user = make_user("finance")
    user.set_password(PASSWORD)
    db.session.commit()
    current = user.password_hash

    assert _sign_in(app, user.email, PASSWORD).status_code == 302
    assert _stored_hash(db, user) == current
