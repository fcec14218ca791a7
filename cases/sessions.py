"""Database sessions whose renewal is one UPDATE, at most once a minute.

``SESSION_SAVE_EVERY_REQUEST`` renews the idle timeout on every request; Django's database
backend wraps that save in a transaction (a savepoint inside one) that only a new session's
INSERT needs. A single UPDATE is atomic by itself, so the renewal costs one statement. And an
unchanged session renewed less than ``RENEW_AFTER`` ago is not written again: the idle timeout
moves by at most that much (a session ends 29–30 minutes after the last request, not exactly 30),
and the pages of a busy user cost one write a minute instead of one each.
"""
from datetime import timedelta

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router

RENEW_AFTER = timedelta(seconds=60)


class SessionStore(DatabaseSessionStore):
    _stored_expiry = None  # the expiry read from the database with the session

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self._stored_expiry = stored.expire_date if stored is not None else None
        return stored

    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        if not self.modified and self._stored_expiry is not None \
                and self.get_expiry_date() - self._stored_expiry < RENEW_AFTER:
            return None  # renewed moments ago and nothing changed
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = self.model._default_manager.using(using).filter(session_key=obj.session_key).update(
            session_data=obj.session_data, expire_date=obj.expire_date,
        )
        if not updated:  # the session was deleted meanwhile (logout elsewhere): as Django's backend does
            raise UpdateError
        self._stored_expiry = obj.expire_date
        return None
