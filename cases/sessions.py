"""Database sessions whose renewal is one UPDATE.

``SESSION_SAVE_EVERY_REQUEST`` renews the idle timeout on every request; Django's database
backend wraps that save in a transaction (a savepoint inside one) that only a new session's
INSERT needs. A single UPDATE is atomic by itself, so the renewal costs one statement.
"""
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import router


class SessionStore(DatabaseSessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=obj)
        updated = self.model._default_manager.using(using).filter(session_key=obj.session_key).update(
            session_data=obj.session_data, expire_date=obj.expire_date,
        )
        if not updated:  # the session was deleted meanwhile (logout elsewhere): as Django's backend does
            raise UpdateError
