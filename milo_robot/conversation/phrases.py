# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What Milo says of its own, in each language: acknowledgements, apologies, announcements.

The French ones are worded as Kokoro says them clearly (each heard back by Whisper,
docs/speaking.md): "J'écoute le cours." came back as "J'écoute la cua.", "Je me mets en veille."
as "Je m'omène en veille.".
"""

ACK = {'en': 'Hmm.', 'fr': 'Hmm.'}
APOLOGY = {'en': "Sorry, I can't answer right now.", 'fr': 'Désolé, je ne peux pas répondre pour '
           "l'instant."}
LECTURE_SAID = {
    'start': {'en': "The class begins. I'm listening.", 'fr': "Le cours commence. J'écoute."},
    'end': {'en': "The class is over. I'll write the summary.",
            'fr': 'Le cours est fini. Je vais écrire le résumé.'},
}
MODE_SAID = {
    'qa': {'en': 'Question time! Ask me anything about the lecture.',
           'fr': "C'est l'heure des questions ! Demandez-moi ce que vous voulez sur le cours."},
    'lecture': {'en': "I'm listening to the lecture.", 'fr': "J'écoute le cours du professeur."},
    'sleep': {'en': 'Going to sleep.', 'fr': 'Je passe en veille.'},
}
