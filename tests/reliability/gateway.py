"""The fake SMS gateway of the worker tests: the file gateway, slowed down so a SIGKILL lands
while sends are in flight, including in the window after the gateway accepted a message and
before the platform committed it as sent."""
import time

from cases.notifications import FileSMSBackend


class SlowFileSMSBackend(FileSMSBackend):
    def send(self, phone, text, *, message_id):
        time.sleep(0.2)
        answer = super().send(phone, text, message_id=message_id)
        time.sleep(0.3)
        return answer
