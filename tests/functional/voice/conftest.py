"""The worker-voice tests' small agency and export directory, shared with the integration tier (one definition)."""
from tests.integration.voice.conftest import VoiceWorld, export_dir, voice_world  # noqa: F401 (the fixtures)
