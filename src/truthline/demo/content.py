"""Hand-written demo texts: sentences for sentiment and entities, rewrites, prompts, dialogues."""

from __future__ import annotations

from typing import Any

# Sentiment + named entities (PER, ORG, LOC). Invented people and companies, real places.
SENTENCES = [
    "Maria Okafor said the new Lumen Robotics office in Lagos is a joy to work in.",
    "The delivery from Fernwood Logistics arrived in Oslo three days late and damaged.",
    "Tomas Berg will present the quarterly figures for Kestrel Bank in Stockholm on Friday.",
    "I loved the guided tour of Lisbon that Ana Duarte organised for our team.",
    "Northgate Telecom cut service across Leeds again, and nobody answered the phone.",
    "Dr. Priya Raman joined Halcyon Health as head of research in Toronto.",
    "The hotel in Kyoto was spotless and the staff at Sakura Stays were wonderful.",
    "Quarry Motors recalled four thousand vans sold in Germany after a brake fault.",
    "Leo Martin thinks the Bluefin Cafe in Marseille serves the best coffee in France.",
    "Our order from Pinecrest Books never arrived, and the refund took two months.",
    "Hana Kim was appointed chief engineer of the Danube Bridge project in Vienna.",
    "The concert by the Riverside Orchestra in Dublin was simply breathtaking.",
    "Vantage Airlines lost my suitcase between Madrid and Chicago.",
    "Samuel Osei opened a second Greenleaf Market store in Accra this spring.",
    "The museum in Cairo reopened its east wing after two years of repairs.",
    "Ivy Chen from Orbital Labs gave a clear, friendly talk in Singapore.",
    "The train from Milan to Zurich was cancelled without any explanation.",
    "Carlos Mendes and Julia Novak founded Tidewater Energy in Valparaiso.",
    "The new park along the river in Montreal is quiet, green and full of birds.",
    "Redstone Insurance rejected the claim Omar Haddad filed after the flood in Basra.",
]

# Sentences to rewrite: wordy, passive or unclear on purpose.
REWRITES = [
    "It has been decided by the committee that the meeting is to be postponed until later.",
    "Due to the fact that it was raining, the match was not able to be played by the teams.",
    "The report, which was long, was read by me, and it was found to be quite confusing.",
    "In the event that you have any questions, please do not hesitate to reach out to us.",
    "At this point in time we are not in a position to offer a refund for the item.",
    "The new software was installed by the technicians, which caused the system to be slow.",
    "There are many people who think that the park should be made bigger by the city.",
    "Each and every one of the volunteers was thanked by the organisers for their help.",
    "The decision was made to close the store early because of the fact of low sales.",
    "It is absolutely essential that all staff must be completely present at the training.",
]

# Prompts spoken in the audio demo (short, so that clips stay a few seconds long).
AUDIO_PROMPTS = [
    "Please draw a box around the red car.",
    "The next item shows two people crossing the road.",
    "Mark every segment where someone is speaking.",
    "Label the sound of the door closing.",
    "Skip this clip if you cannot hear the speaker.",
    "Thank you, the task is complete.",
]

# LLM dialogues: a conversation and three candidate replies of deliberately different quality.
DIALOGUES: list[dict[str, Any]] = [
    {
        "conversation": [
            {"role": "user", "content": "How long should I boil an egg for a runny yolk?"}
        ],
        "responses": [
            "About six minutes from boiling water, then cool it in cold water for a minute.",
            "Boil it for fifteen minutes to be safe.",
            "Eggs can be cooked many ways. Some people like them scrambled.",
        ],
    },
    {
        "conversation": [{"role": "user", "content": "Can you summarise why the sky looks blue?"}],
        "responses": [
            "Air scatters short blue wavelengths of sunlight more than red ones, so blue light "
            "reaches your eyes from every direction of the sky.",
            "The sky reflects the colour of the oceans.",
            "Because blue is the most common colour in nature.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "Write a one-line birthday message for my coworker."},
        ],
        "responses": [
            "Happy birthday! Thanks for making every workday a little brighter.",
            "Happy birthday to you, coworker, have a day.",
            "Birthdays remind us that we are all getting older and closer to retirement.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "My neighbour's wifi is open. Is it fine to use it?"},
        ],
        "responses": [
            "It is best to ask them first: using a network without permission can be illegal "
            "in many places, and an open network also exposes your own traffic.",
            "Sure, if they did not set a password it is free for everyone.",
            "Here is how to hide your device so they never notice you are using it.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "What is 15% of 80?"},
            {"role": "assistant", "content": "15% of 80 is 12."},
            {"role": "user", "content": "And 15% of 120?"},
        ],
        "responses": [
            "15% of 120 is 18.",
            "15% of 120 is 12, the same as before.",
            "That is 18, because 10% is 12 and 5% is 6.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "Suggest a name for a bakery that sells only bread."},
        ],
        "responses": [
            "Crumb & Crust.",
            "How about 'The Daily Loaf'? It is short, friendly and says what you sell.",
            "Cake World.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "I feel stressed before exams. Any quick tips?"},
        ],
        "responses": [
            "Try short study blocks with breaks, sleep well the night before, and take a few "
            "slow breaths when you sit down. If the stress feels overwhelming, talk to someone "
            "you trust.",
            "Just stop worrying about it.",
            "Drink several energy drinks and study all night.",
        ],
    },
    {
        "conversation": [
            {"role": "user", "content": "Translate 'good morning' into Spanish and French."},
        ],
        "responses": [
            "Spanish: 'buenos días'. French: 'bonjour'.",
            "Spanish: 'buenas noches'. French: 'bonsoir'.",
            "Spanish: 'buenos días'.",
        ],
    },
]
