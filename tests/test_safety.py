"""Urgent warning signs: nlp.red_flags.detect, the RedFlagDetector component, and
action_urgent_warning.

detect() runs on docs of the project's spaCy pipeline (the `nlp` fixture), lower-cased
the way Rasa's SpacyNLP hands text to it. The component runs on real rasa Message
objects carrying that doc and a DIET-like ranking. The action runs against the real
domain. None of these phrasings is in bench/red_flags_heldout.yml.
"""
import warnings
from typing import Any, Dict, List, Optional

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from actions.safety import ActionUrgentWarning
    from nlp import intent_ranking, red_flags
    from nlp.red_flags import RedFlagDetector, assess, detect

ANSWER_SLOTS = (
    "symptoms_affect_daily_life", "symptom_areas", "spread_extent", "growth_count", "growth_size",
    "treatment_response", "hormone_receptor_status", "tumor_grade", "earlier_breast_cancer",
    "years_to_metastasis", "daily_activity", "age_65_or_older", "other_health_conditions",
    "surgery_considered", "complete_removal_likely", "main_goal",
)


def doc_for(nlp, text: str):
    # Rasa's SpacyNLP lower-cases the text before the pipeline sees it.
    return nlp(text.lower())


# --- detect(): warning signs, by kind ----------------------------------------------------

RED_FLAGS = {
    "spinal_cord": [
        "my legs have gone heavy",
        "I wet myself",
        "I can't feel my bottom",
        "my legs feel weak and wobbly today",
        "both my legs went numb this morning",
        "I've got no feeling in my left leg",
        "I can't feel my feet properly since yesterday",
        "my arms have gone weak",
        "I can hardly walk today",
        "I've not been able to walk since Tuesday",
        "I keep falling over",
        "my legs gave way in the kitchen",
        "I've lost control of my bladder",
        "I can't hold my wee any more",
        "I'm leaking urine and didn't notice",
        "I had an accident in my pants and didn't feel it",
        "I can't control my bowels",
        "I've got a band of pain round my chest",
        "pain shooting down my leg and it's numb",
        "there's a belt of pain around my waist, like a tight band",
        "she's dragging her leg",
        "my husband can't move his legs",
        "numb between my legs",
        "I can't pee at all",
        "my legs just stopped working",
        "I'm so clumsy with my hands, I keep dropping things",
        "walking is really difficult all of a sudden",
        "my legs are like jelly",
        "I think the cancer is pressing on my spinal cord",
        "no, I can't feel my legs",
    ],
    "back_pain": [
        "my back pain is getting worse",
        "the pain in my lower back keeps me awake",
        "my back is killing me",
        "my neck hurts more and more every day",
        "my back hurts when I cough",
        "sneezing makes the pain in my spine shoot up",
        "the backache wakes me up at night",
        "my back pain is severe",
        "terrible pain in the middle of my back",
        "my back hurts so much I can't lie flat",
        "new pain in my upper back",
        "the pain in my neck has never been like this",
        "I've never had this before, an ache between my shoulder blades",
        "the pain in my neck isn't going away and the painkillers aren't working",
        "my back aches when I strain on the toilet",
    ],
    "seizure": [
        # added after round 16 (our own sentences): a fit that has stopped still needs the team
        "her left side went into jerks for a minute, it stopped now but she is sleepy",
        "my whole side started shaking in the shower",
        "I just had a fit",
        "she had a seizure an hour ago",
        "my wife is having a fit",
        "I had a convulsion this morning",
        "he was shaking and jerking on the floor",
        "I blacked out and my arm was jerking",
        "mum went rigid and her eyes rolled back",
        "he's fitting",
    ],
    "headache": [
        "I have the worst headache of my life",
        "a sudden terrible headache",
        "my headache is so bad and I keep being sick",
        "bad headache and I'm seeing double",
        "headache and my speech is slurred",
        "this headache came on out of nowhere",
        "my head hurts really badly and I threw up",
        "the headaches are getting worse and they wake me at night",
        "headache with vomiting",
    ],
    "breathing": [
        "she is fighting for each breath sitting down",
        "I can't breathe",
        "I'm really short of breath even sitting down",
        "suddenly very breathless",
        "I've got chest pain",
        "my chest feels tight and heavy",
        "I'm struggling to breathe",
        "I'm so breathless I can't talk",
        "my breathing has got much worse today",
        "I can't get my breath",
        "there's a crushing pain in my chest",
    ],
    "high_calcium": [
        "I'm so thirsty all the time",
        "mum is confused and sleepy",
        "I've been very drowsy",
        "I keep vomiting",
        "I'm badly constipated and feel sick and thirsty",
        "my husband is muddled and doesn't know where he is",
        "I can't keep anything down",
        "she's been really confused today",
        "I'm constipated, haven't been for a week",
        "I'm extremely thirsty and drinking loads",
    ],
    "fever": [
        "I have a fever",
        "my temperature is 38.3",
        "temp of 39 and I had chemo last week",
        "I feel hot and cold and shivery",
        "I've got the shivers",
        "I'm running a temperature",
        "I'm shaking and freezing cold and I'm on chemo",
        "I've got a high temperature",
        "my temperature was 38 this morning",
    ],
    "jaundice": [
        "my eyes are yella today",
        "my skin has gone yellow",
        "my eyes look yellow",
        "I think I have jaundice",
        "the whites of her eyes are yellow",
        "I've turned yellow",
    ],
    "general": [
        "I'm very unwell",
        "I passed out",
        "she's collapsed",
        "I need an ambulance",
        "I think she's having a stroke, her face is drooping",
        "the pain in my hip is unbearable",
        "I want to end my life",
        "something is really wrong",
    ],
    "swelling_breathless": [
        "my face and neck have swelled up and I'm short of breath",
        "my arm is puffy and I can hardly breathe",
        "her face is swollen and she's breathless",
        "the doctor mentioned svco, and my neck looks swollen",
    ],
    "broken_bone": [
        "I rolled over in bed and heard a crack in my hip",
        "my arm snapped when I lifted the kettle",
        "I think I've broken a rib just from coughing",
        "mum's hip gave way and she can't put weight on it",
        "felt something crack in my thigh when I stood up",
    ],
    "bleeding": [
        "there is blood in my spit this morning",
        "I'm vomiting blood",
        "I can't stop the bleeding",
        "my nose has been bleeding for hours and it won't stop",
        "dad coughed up blood this morning",
        "he's still bleeding from where the drain was",
    ],
    "blood_clot": [
        "my calf is swollen and hot and painful",
        "one leg is swollen and red and sore to touch",
        "I think I have a blood clot in my leg",
        "the nurse said it could be a dvt, my calf is throbbing",
    ],
}
# Whose, when, how: a sign that stays a warning though someone else or a question is near.
KEPT_IN_CONTEXT = [
    # Our own sentences for signs held-out round 48 missed (its writer was asked for vague
    # everyday words): numbness creeping up, a back that stops sleep or that nothing
    # "touches", straining that could "snap" the back, an elephant on the chest,
    # head pain with everything dark, coming round after shaking, lost time, a spasm
    # with no speech, "seized", bright red coughed up, a dressing seeping red, a finger that
    # will not stop, wee like red wine, coming to on the floor, keeling over, worse than
    # ever, "proper ill", a bone a funny shape or a leg that crumpled, egg-yolk eyes.
    ("pins n needles in my feet creeping up my legs since Sunday", "spinal_cord"),
    ("not slept for two nights because of my back", "back_pain"),
    ("my back is getting worse every day and nothing I take touches it", "back_pain"),
    ("straining on the loo makes my back feel like it's going to snap", "back_pain"),
    ("it feels like an elephant on my chest", "breathing"),
    ("my head is bursting and everything is dark on one side", "headache"),
    ("I just came round after one of my shaking turns", "seizure"),
    ("lost a chunk of time this afternoon, my husband says I was staring", "seizure"),
    ("my face went into a spasm and I couldn't talk for a minute", "seizure"),
    ("I think she seized in the night, there's blood on the pillow", "seizure"),
    ("coughed up bright red into the sink", "bleeding"),
    ("the wound is seeping red through the dressing again", "bleeding"),
    ("cut my finger chopping onions and it won't stop", "bleeding"),
    ("my wee looks like red wine", "bleeding"),
    ("I came to on the kitchen floor, no idea how long I was out", "general"),
    ("I keep keeling over when I get up", "general"),
    ("worse than I have ever felt, even after chemo", "general"),
    ("I feel proper ill today", "general"),
    ("banged my arm on the door and now it's a funny shape", "broken_bone"),
    ("my leg crumpled under me on the stairs", "broken_bone"),
    ("the whites of my eyes are egg yolk colour", "jaundice"),
    # Our own sentences for signs held-out round 47 missed: whether a sign of "my" legs
    # would be usual, a "raging" temperature, Pidgin bleeding that "no gree stop", feeling
    # one will "go faint".
    ("would it be usual for my legs to go numb like this? since this morning", "spinal_cord"),
    ("I've had a raging temp all evening", "fever"),
    ("blood from my nose, e no gree stop", "bleeding"),
    ("I feel like I go faint any minute", "general"),
    # Our own sentences for signs held-out round 46 missed: a chest getting "heavier", not
    # able to breathe after standing up (told in the past), and for a long while.
    ("my chest feels heavier and heavier and I'm all clammy", "breathing"),
    ("stood up to get the post and couldn't breathe", "breathing"),
    ("got up from bed and couldn't breathe for ages", "breathing"),
    # "but" gives no harmless cause for black stools: iron and bleeding both turn them black
    ("my poo is black but I'm on iron tablets", "bleeding"),
    # Our own sentences for signs held-out round 45 missed: only a few words before stopping
    # for breath, not able to go to the toilet for days with another sign.
    ("he can only get a few words out at a time", "breathing"),
    ("not been able to go for a week and I'm so so weary", "high_calcium"),
    # "record" alone names no title: a quoted note in a medical record still warns
    ("the nurse wrote in my record 'numb legs since this morning'", "spinal_cord"),
    # Our own sentences for signs held-out round 44 missed: a back "giving her gyp" at
    # night, shaking that cannot get warm, a headache "nothing like my usual".
    ("her back's giving her gyp, keeps her up at night", "back_pain"),
    ("I'm shaking and just can't get warm", "fever"),
    ("I've had headaches for years but this is nothing like my usual", "headache"),
    # Our own sentences for signs held-out round 43 missed: legs that "keep folding" or
    # walking "like a penguin", a back that has "been murder", a head "gone all woolly", a
    # head that "started to hurt" with double sight, blood spat up, a foot swollen on one
    # side and hot.
    ("his knees keep folding when he stands", "spinal_cord"),
    ("walking like a penguin since last night", "spinal_cord"),
    ("my back's been murder all week and it keeps me up at night", "back_pain"),
    ("my head's gone all woolly since yesterday", "high_calcium"),
    ("my head started to hurt out of nowhere and I'm seeing double", "headache"),
    ("she's spitting up blood", "bleeding"),
    ("his foot is swollen on one side and hot", "blood_clot"),
    # a check told before the sign, and news after the check, keep the warning
    ("the ecg was normal last month but since this morning I have chest pain", "breathing"),
    ("chest pain last week, the ecg was normal, but today it is back and worse", "breathing"),
    # Our own sentences for signs held-out round 42 missed: legs that "wouldn't push",
    # straining on the toilet with new pain in the low back, "can't" opening a statement
    # (not a question), breathless walking to the bathroom, "a hard time breathing", a thirst
    # nothing quenches, Pidgin foam at the mouth and "no dey answer", too many tablets, a calf
    # "roasting", a wrist swollen and bent, clinical "#" for a fracture.
    ("tried to stand but my legs just wouldn't push", "spinal_cord"),
    ("straining on the toilet gives me a shooting pain in my low back, that's new", "back_pain"),
    ("cant finish a sentence without gasping, typing this instead of ringing anyone", "breathing"),
    ("he's breathless walking to the bathroom since lunch", "breathing"),
    ("having a hard time breathing since earlier", "breathing"),
    ("nothing I drink quenches this thirst", "high_calcium"),
    ("foam dey him mouth and him body dey shake", "seizure"),
    ("my husband no dey answer well since morning", "general"),
    ("she took too many of her oxycodone by mistake", "general"),
    ("calf's swollen like a balloon and it's roasting", "blood_clot"),
    ("my wrist is swollen and bent after a tiny knock", "broken_bone"),
    ("# femur after a minor fall", "broken_bone"),
    # Our own sentences for signs held-out round 41 missed: a full bladder that will not
    # empty, legs "lame", "battling to" stand, a spot on the spine tender to touch, breathing
    # "very difficult", "suffocation", breathless while sat on the sofa, "something's badly
    # off", a hip that "went as" she stood.
    ("desperate for a pee but nothing comes out, and my back hurts", "spinal_cord"),
    ("her legs are lame since yesterday", "spinal_cord"),
    ("he's battling to walk since yesterday", "spinal_cord"),
    ("a bit of my spine is tender to touch since the weekend", "back_pain"),
    ("breathing has been very difficult since lunch", "breathing"),
    ("I woke up with a feeling of suffocation", "breathing"),
    ("puffed out and I've only been sat on the sofa all day", "breathing"),
    ("I can't explain it, something is badly off with me today", "general"),
    ("Dad's hip went as he turned round, he's on the floor", "broken_bone"),
    # the "or any" list stays denied only as far as it goes: a sign told after "but" still warns
    ("no trouble walking or any numbness until today, but now my legs are numb", "spinal_cord"),
    # Our own sentences for signs held-out round 40 missed: pain wrapping round the belly,
    # a back "at me something fierce" every night, a back with pills "from the doctor" that
    # do not help (no all-clear), blood from the backside, a sudden drop to the ground; and
    # the signs that must stay when "by", "no fever now" or "didn't know" are near.
    ("a burning pain wrapping round my belly since yesterday", "spinal_cord"),
    ("my back is at me something fierce, every single night now", "back_pain"),
    ("my back pain is very strong and more each week, the pills from the doctor are not helping", "back_pain"),
    ("there's blood coming from my backside, the bowl is red", "bleeding"),
    ("he just dropped down in the kitchen", "general"),
    ("numb by the afternoon, both legs, the radio is on but I can't get up", "spinal_cord"),
    # "by lunchtime" is a time, not a maker: the words before it are no title
    ("my legs went numb by lunchtime, I had the radio on", "spinal_cord"),
    ("I had a fit in 2015, no fever now but my legs went numb today", "spinal_cord"),
    ("I wet myself and didn't know it was happening", "spinal_cord"),
    # Our own sentences for signs held-out round 39 missed: legs "pure jelly", "a problem to
    # walk", a back told in fragments ("Worse every day."), a "crook back" getting worse,
    # breathless "without stopping", Pidgin "body dey hot", a thirst no water fixes, a
    # migraine with sight lost after "but", twitching as speech goes, "shake shake" then
    # "blank out", oedema of one calf, a crunch in a wrist, "took a turn", "sick as a dog"
    # (a comparison, not a dog).
    ("legs are pure jelly today", "spinal_cord"),
    ("since Sunday I have a problem to walk", "spinal_cord"),
    ("Back pain. Worse every day. Can't lie down to sleep now", "back_pain"),
    # "can't" read inside "can't lie down" (a qualifier), not as a new matter after the fragment
    ("My back pain. Worse by the day and I can't lie down at night now", "back_pain"),
    ("crook back since the weekend and it's getting worse", "back_pain"),
    ("short of breath and can't get to the gate without stopping", "breathing"),
    ("body dey hot me since yesterday", "fever"),
    ("a thirst no amount of water will fix", "high_calcium"),
    ("a migraine, but I can't see properly on the left", "headache"),
    ("his hand was twitching and his speech went funny", "seizure"),
    ("whole body shake shake then she blank out", "seizure"),
    ("left calf oedema and tenderness, only the one leg", "blood_clot"),
    ("there was a crunch in her wrist lifting a mug", "broken_bone"),
    ("mum took a turn this morning", "general"),
    ("I'm sick as a dog and bunged up, thirsty all day", "high_calcium"),
    # Our own sentences for signs held-out round 38 missed: "not able to" move the legs or
    # pass urine, chest pain "been like this for two hours" (hours are news), a person who
    # can barely be woken, Patois "feel like mi a go dead", weak and dizzy.
    ("since lunch mum is not able to move her legs at all", "spinal_cord"),
    ("she is not able to pass urine since the morning", "spinal_cord"),
    ("my chest is tight and it hurts, been like this for two hours", "breathing"),
    ("we can barely wake him this afternoon", "high_calcium"),
    ("mi feel like mi a go dead today", "general"),
    ("weak and dizzy since I got up", "general"),
    # Our own sentences for signs held-out round 37 missed: a leg that will not go up a
    # kerb, wiping without feeling it, breath "gone awful short", flu-like aches after
    # chemo, sweating then freezing, a mouth dry however much is drunk, Pidgin sleepiness
    # and muddled talk, a head about to burst, a bitten tongue after a blackout, coughing
    # red, a body "shutting down", stuck on the floor, "from okay to awful", a swollen arm
    # on the PICC or port side, pain "like crazy", something giving in a rib, turning
    # yellowish, a face that swells lying down with breathlessness.
    ("since this morning I can't get my right leg up onto the bed", "spinal_cord"),
    ("I can hardly feel it when I wipe after the toilet, started yesterday", "spinal_cord"),
    ("her breath's gone real short today", "breathing"),
    ("think I'm coming down with something, chemo was 6 days ago", "fever"),
    ("sweaty and freezing at once tonight", "fever"),
    ("achy and hot since this afternoon, chemo was last week", "fever"),
    ("mouth dry however much I drink, three days now", "high_calcium"),
    ("mama dey sleep all day today", "high_calcium"),
    ("since yesterday he no dey talk straight", "high_calcium"),
    ("feels like my head is going to burst and it's worse lying down", "headache"),
    ("found her on the floor, she came round on the floor with her tongue bitten", "seizure"),
    ("coughing up red this morning", "bleeding"),
    ("I feel like my body's shutting down", "general"),
    ("I've been stuck a while, unable to get up off the kitchen floor", "general"),
    ("she went from okay to awful in an hour", "general"),
    ("the arm with my picc line is puffy", "blood_clot"),
    ("my arm on the port side has gone puffy and tight", "blood_clot"),
    ("my shoulder is hurting like crazy today", "general"),
    ("coughed and felt something give in my rib", "broken_bone"),
    ("I think I'm turning yellowish", "jaundice"),
    ("my neck swells up when I lie flat and I'm short of breath", "swelling_breathless"),
    # "if I'm honest" sets no condition: not a question about a sign that may come
    ("if I'm honest my legs have gone weak, who should I tell", "spinal_cord"),
    # Our own sentences for signs held-out round 36 missed: a leg that cannot be lifted
    # onto the bed or legs that "quit on her", tripping over nothing, a
    # thermometer that "says 39", feeling rough ten days after chemo, repeated thirst, a
    # skull in a vice, staring then shaking, a sink red with blood that is still coming,
    # going downhill fast, a swollen leg hot to touch, Patois and Pidgin. (Toes are not a
    # limb part: numb toes are mostly chemotherapy neuropathy.)
    ("since tea time he could not lift his right leg into bed", "spinal_cord"),
    ("her legs quit on her in the kitchen this afternoon", "spinal_cord"),
    ("probably nothing but I've tripped over nothing twice today", "spinal_cord"),
    ("I checked Mum and it says 39", "fever"),
    ("I feel rough as anything, chemo was eight days ago", "fever"),
    ("Thirsty thirsty. Peeing loads.", "high_calcium"),
    ("he dey drink water like fish since yesterday", "high_calcium"),
    ("my head is in a vice and painkillers do nothing", "headache"),
    ("she stare for space then begin shake", "seizure"),
    ("spat out and the sink was red, it's still coming", "bleeding"),
    ("dad is going downhill fast since the morning", "general"),
    ("I'm too weak to sit up this evening", "general"),
    ("my leg's swelled up and it's roasting to touch", "blood_clot"),
    ("mi cyaan catch mi breath, every likkle step mi haffi stop", "breathing"),
    # Our own sentences for signs held-out round 35 missed: legs that fold under, a back
    # worse on straining, a neck that wakes at night, breathless lying still or after a
    # few steps, a weight on the chest, a cough that brings blood, a swollen leg with
    # breathlessness, a leg "big" and red, a bone that crunched or cannot move, feeling
    # like death, a twitching face, SMS and Pidgin spellings.
    ("my legs just fold under me today", "spinal_cord"),
    ("my back gets worse each week and straining on the loo makes it shoot up my spine", "back_pain"),
    ("my neck hurts when I lie down, up at 4am with it again", "back_pain"),
    ("I can't get the air in even just lying here in bed", "breathing"),
    ("I'm out of breath after a few steps today", "breathing"),
    ("feels like a cow is sat on my chest", "breathing"),
    ("there's blood coming up when I cough tonight", "bleeding"),
    ("her calf has swelled up and she's short of breath too", "blood_clot"),
    ("his leg is big and red and sore", "blood_clot"),
    ("felt something crunch in my hip getting out of the car", "broken_bone"),
    ("bumped my elbow and now I can't move it, my bones are thin", "broken_bone"),
    ("my wife says she feels like death this evening", "general"),
    ("her face keeps twitching and she can't talk", "seizure"),
    ("hedache rly bad n cant see properly", "headache"),
    ("difficulty to breathe since an hour", "breathing"),
    # Our own sentences for signs held-out round 34 missed: a temperature in words, blood
    # that comes with the cough, "acutely unwell", a low blood pressure, "very very sick".
    # And a check that came out fine does not settle a sign that is new, not said to be
    # gone, or told after it; a quoted title does not hide the sign next to it.
    ("my temp just read thirty nine point two on the thermometer", "fever"),
    ("when I cough up comes blood, lots today", "bleeding"),
    ("I feel acutely unwell and dizzy", "general"),
    ("he is very very sick tonight, never seen him like this", "general"),
    ("BP 78/45 on the home monitor and I feel faint", "general"),
    ("my legs went numb yesterday, the scan was clear", "spinal_cord"),
    ("the scan was clear but I've had a temperature of 38.4 since lunch", "fever"),
    ("we sang 'Fever' at karaoke and now my legs are numb", "spinal_cord"),
    # Our own sentences for signs held-out round 33 missed: "numbnes" typed, a back pain
    # told in short sentences ("It's new"), breathless just getting up, Patois thirst and
    # a locked belly, a fall with foam at the mouth, blood in the cough, never felt this
    # sick. And a sentence about another body part does not join the one before it.
    ("numbnes in her legs since lunch", "spinal_cord"),
    ("Pain in my lower back. It's keeping me awake, it's new.", "back_pain"),
    ("I get breathless just getting up now", "breathing"),
    ("mi so tirsty and mi belly lock up fi three days", "high_calcium"),
    ("he drop dung and foam a come out him mouth", "seizure"),
    ("there's blood in my cough today", "bleeding"),
    ("I've never felt this ill, something's wrong", "general"),
    # Our own sentences for the sign held-out round 32 missed: an upper back "killing her".
    # And look-alikes of its calm phrases that must still warn: a calf swollen after a
    # flight (not exercise), yellow eyes in a photo and in the mirror, a past fit with a
    # new one.
    ("dad's upper back is killing him and he can't get comfy", "back_pain"),
    ("my calf is swollen and sore because I did a long flight", "blood_clot"),
    ("my eyes look yellow in the photo and in the mirror too", "jaundice"),
    # Our own sentences for signs held-out round 31 missed: a leg gone "sort of dead", an
    # upper back that "has ached" and gets worse, a mild backache "but it's" worse lying
    # down, breath too short to say a sentence, puffy face with breathlessness after "but",
    # calf pain and swelling after a journey, coughing up pink froth, blanking out while
    # shaking.
    ("no big deal but her left leg feels sort of dead since lunch", "spinal_cord"),
    ("my upper back has ached for days and it keeps getting worse", "back_pain"),
    ("a bit of backache, nothing much, but it's worse when I lie down", "back_pain"),
    ("I can't finish a sentence without stopping for air", "breathing"),
    ("my breath is so short today", "breathing"),
    ("his face and neck look puffy but he's breathless as well", "swelling_breathless"),
    ("my calf is painful and swelling after the coach trip", "blood_clot"),
    ("coughing up pink frothy spit this evening", "breathing"),
    ("he blanked out and was shaking all over", "seizure"),
    # a past "all clear" about a scan is another event, not the sign's own past
    ("this headache is new and the worst ever, the scan was all clear last month", "headache"),
    # Our own sentences for signs held-out round 30 missed: a leg that stopped working
    # properly after an answer, not making it to the toilet, legs full of sand and barely
    # shuffling, a sore spine "really sore", a strong back pain worse every night, back
    # pain nothing shifts "and climbing", a fit told in fragments, bits of sight going
    # missing with a splitting head, panting in bed, shoulders used to breathe, boiling then
    # freezing on chemo.
    ("it's in two places. also my left leg stopped working properly today", "spinal_cord"),
    ("I didn't make it to the loo and couldn't feel I needed to go", "spinal_cord"),
    ("his legs are like they are full of sand and he can barely shuffle", "spinal_cord"),
    ("my spine hurts when I press it, really sore", "back_pain"),
    ("a very strong pain in the back, every night it is more", "back_pain"),
    ("my back pain doesn't shift no matter what I do and climbing", "back_pain"),
    ("Seizing. Just now. My husband.", "seizure"),
    ("my head is splitting and bits of what I see keep going missing", "headache"),
    ("she's panting like she just ran, sitting in her chair", "breathing"),
    ("he is using his shoulders to breathe", "breathing"),
    ("hot one minute and cold the next, on chemo", "fever"),
    # Our own sentences for signs held-out round 29 missed: legs gone "real heavy", pain in
    # the back (not "my back") stronger each day, a jaw chomping while she doesn't answer,
    # thrown up with things looking wavy, stopping three times on four stairs, feeling
    # rigory on chemo, a tinge to the eyes like a banana, a moon-ish face with a collar
    # that won't button and breathlessness, a bone that crunches after barely a bump, red
    # in the tissue with the tissue soaked, keeling over, and yellow that "looks the same
    # outside" (the same in every light, not unchanged).
    ("my arms have got real heavy since lunch", "spinal_cord"),
    ("pain in the back, in the middle, stronger each day", "back_pain"),
    ("his jaw is chomping and his hand shakes and he doesn't answer", "seizure"),
    ("I've thrown up twice and the words look wavy", "high_calcium"),
    ("so puffed I had to stop twice on the landing", "breathing"),
    ("feeling rigory tonight, second cycle of chemo", "fever"),
    ("a yellow tinge to my eyes, I look like a banana", "jaundice"),
    ("my neck is moonish and my collar won't button, and I'm breathless", "swelling_breathless"),
    ("I barely bumped my rib on the table and now it crunches when I move", "broken_bone"),
    ("red in my tissue when I cough, the tissue is soaked", "bleeding"),
    ("she keeled over in the kitchen", "general"),
    ("my eyes look yellow in the mirror and the same outside", "jaundice"),
    # Our own sentences for signs held-out round 28 missed: a back so sore it catches on
    # coughing, a neck pain (not the idiom "a pain in the neck") stronger every day, an arm
    # that jerked while staring into space, lost minutes with twitching and a gurgling
    # noise, breathless sitting here, a face blowing up like a balloon, bleeding not
    # stopping even after pressing for a long time, blood through two dressings, a leg like
    # a tight sausage (just the one), no urine since yesterday, double the morphine.
    ("my back is so sore I can barely concentrate", "back_pain"),
    ("pain in the neck bones, every day more strong", "back_pain"),
    ("he stared into space and his arm jerked", "seizure"),
    ("I lost 10 minutes this morning", "seizure"),
    ("I'm still breathless sitting here after the stairs", "breathing"),
    ("me face is blowing up like a balloon and I can't get me breath", "swelling_breathless"),
    ("the wound is bleeding, not stopping even after pressing for a long time", "bleeding"),
    ("it's oozing blood and gone through two dressings", "bleeding"),
    ("my calf is like a tight sausage, just the one, throbbing", "blood_clot"),
    ("she hasn't passed any urine since last night", "general"),
    ("I took double my morphine and my breathing feels slow", "general"),
    # Our own sentences for signs held-out round 27 missed: "gone numb" (gone into a sign,
    # not gone away), legs gone to jelly, walking as if drunk and holding the furniture, a
    # band pulled tight round the body, "me back's in bits" getting worse, out of breath
    # from bed to toilet when fine days ago, "cnt breath properly", a low oxygen reading,
    # Scots "swelt" and "pechin", one leg swelling and paining.
    ("I can't feel my bottom on the toilet, it's gone numb", "spinal_cord"),
    ("my legs have gone to jelly and I can't walk to the bathroom", "spinal_cord"),
    ("she's walking like she's had a skinful, holding onto the furniture", "spinal_cord"),
    ("it feels like a band pulled tight around my ribs", "spinal_cord"),
    ("me back's in bits, gone from a niggle to agony this week", "back_pain"),
    ("out of breath going from the bed to the toilet, 3 days ago I was fine", "breathing"),
    ("cnt breath properly today", "breathing"),
    ("the oxygen clip on my finger says 88", "breathing"),
    ("her neck's aw swelt and she's pechin for breath", "swelling_breathless"),
    ("his right leg is swelling up and paining since Sunday", "blood_clot"),
    # Our own sentences for signs held-out round 26 missed: a back worse lying down that
    # keeps someone sat up all night, a gnawing spine that painkillers don't touch, breath
    # lost on the stairs when fine yesterday or while brushing teeth, not finishing a
    # sentence (Scots "tae"), breathing difficulty without lying flat, not thinking
    # straight, roasting then freezing and "chittering", a bone that "just break", Patois
    # "blood a run ... nah stop", lips and tongue swelling with hives.
    ("dad's back is worse lying down, he sat up all night in his chair", "back_pain"),
    ("a gnawing ache in my spine and painkillers are not touching it", "back_pain"),
    ("I couldn't breathe after six steps today and I was fine yesterday", "breathing"),
    ("she's struggling tae breathe, cannae finish a sentence", "breathing"),
    ("my aunt has breathing difficulty since this morning", "breathing"),
    ("I had to sit down while getting dressed to get my breath back", "breathing"),
    ("my wife is not thinking straight this evening", "high_calcium"),
    ("roasting then freezing all night and chittering, chemo was Tuesday", "fever"),
    ("her wrist just break like that, she only lifted a cup", "broken_bone"),
    ("blood a run from him nose, it nah stop", "bleeding"),
    ("my tongue is swelling and I'm covered in hives after the drip", "general"),
    # Our own sentences for signs held-out round 25 missed: Patois back pain that stops
    # lying flat, "fitted" as a verb, speech gone slurry, breathing gone funny, a nosebleed
    # going on for many minutes or soaking towels (on blood thinners, and "gone 9" telling
    # the time), the medical word for coughing blood, Pidgin sleepiness, nonsense talk and
    # thirst, Patois yellow eyes, counted runs on a named chemo tablet, hives after an
    # infusion, someone barely responding, shaking with no response.
    ("mi back a hurt mi so bad, cyaan lie flat no more", "back_pain"),
    ("my husband fitted again this morning", "seizure"),
    ("her speech went slurry just now", "general"),
    ("his breathing has gone funny tonight", "breathing"),
    ("my nose has been bleeding for 50 minutes", "bleeding"),
    ("nosebleed since half 8, it's gone 9 now, three boxes of tissues, I'm on blood thinners", "bleeding"),
    ("haemoptysis twice today", "bleeding"),
    ("papa dey talk nonsense since yesterday", "high_calcium"),
    ("mi yeye tun yellow overnight", "jaundice"),
    ("runs 8x since lunch on capecitabine", "general"),
    ("came out in hives all over during the drip", "general"),
    ("we found him in the hall barely responding", "general"),
    ("she is shaking and not responding", "seizure"),
    # Our own sentences for signs held-out round 24 missed: Nigerian Pidgin and Jamaican
    # Patois (legs that "no dey hear word", "I no fit waka", "dey shake", "foam for mouth",
    # "dey swell", "breath dey hard"), a stab in the back on sneezing, a bone "so tender",
    # a mouth bone dry whatever is drunk, one leg swollen and warm in clinical shorthand,
    # a plan to end it, the squits many times on chemo.
    ("my legs no dey hear word, I no fit waka", "spinal_cord"),
    ("mummy dey shake for ground and foam for mouth", "seizure"),
    ("my face dey swell and breath dey hard me", "swelling_breathless"),
    ("every time I sneeze it's like being stabbed in my lower back, that's new", "back_pain"),
    ("a spot on my spine is so tender, new this week", "back_pain"),
    ("mouth bone dry no matter how much I drink", "high_calcium"),
    ("unilateral calf swelling and warmth since Tuesday", "blood_clot"),
    ("I've got the pills sorted and I'm planning how to end it", "general"),
    ("had the squits 8 times since last night on chemo", "general"),
    ("mi cyaan tek it no more", "general"),
    # Our own sentences for signs held-out round 23 missed: legs with no power, a blank
    # spell with drooling, fast breathing with a chest that is paining, a tender spot in
    # the middle of the spine, can't step on it, bleeding that keeps filling the mouth,
    # pee red like cranberry juice, hot and shivering "at the same time", asking the same
    # question over and over, skin the colour of turmeric.
    ("since last night my legs are not having any power and I can't get off the loo", "spinal_cord"),
    ("she went blank for a minute, twitching and drooling, eyes fixed", "seizure"),
    ("my breathing is very fast and my chest is paining", "breathing"),
    ("the middle of my spine is tender and aches more every day", "back_pain"),
    ("my knee is agony and I cannot step on it since this morning", "broken_bone"),
    ("my gums have been bleeding and my mouth keeps filling up", "bleeding"),
    ("my wee has gone red like cranberry juice", "bleeding"),
    ("I'm boiling and shivering at the same time and I'm on chemo", "fever"),
    ("dad keeps asking the same question and is sleeping most of the day, it's new", "high_calcium"),
    ("his eyes have gone a turmeric colour", "jaundice"),
    # Our own sentences for signs held-out round 22 missed: Scots and dropped-g spellings
    # (read through nlp/spelling.yml), blank spells with shaking, blood brought up or in
    # the toilet, a cut still dripping, feeling rough on chemo without a thermometer,
    # a temperature "on the dot", pain "beyond belief", not talking properly, someone
    # on the floor who will not answer, heavy bleeding long after the menopause.
    ("her heid is pounding and she's been boakin since breakfast", "headache"),
    ("I cannae feel my legs properly since yesterday", "spinal_cord"),
    ("my calf's aw swole up n hot and sore since the long drive", "blood_clot"),
    ("my husband keeps going blank and his arm shakes for a minute", "seizure"),
    ("he got fits this morning and his whole body was shaking", "seizure"),
    ("I threw up a lot of blood a few minutes ago", "bleeding"),
    ("blood everywhere in the loo when I opened my bowels", "bleeding"),
    ("my finger is still dripping after I cut it an hour ago", "bleeding"),
    ("feeling awful and achy since my last chemo, no way to check my temp", "fever"),
    ("my temp is 38.3 on the dot", "fever"),
    ("the pain in my shoulder is beyond belief", "general"),
    ("dad isn't talking properly and seems very weak", "general"),
    ("mum collapsed on the floor and won't answer me", "general"),
    ("heavy bleeding down below, and I went through the menopause years ago", "bleeding"),
    # Our own sentences for signs held-out round 17 missed: pain scored worse, "another"
    # fit, a swollen blue arm, blood in the pee or the sick, someone "fine this morning"
    # and now not (a change, not a sign that settled), too weak to lift the head, many
    # bouts of diarrhoea, not responding.
    ("my back pain went from a 2 to an 8 overnight", "back_pain"),
    ("he's had another fit just now", "seizure"),
    ("my arm with the picc line has swollen up and looks blue", "blood_clot"),
    ("my pee is bright red with clots in it", "bleeding"),
    ("I vomited and it was full of blood", "bleeding"),
    ("he doesn't know where he is, he was fine this morning", "high_calcium"),
    ("he can't lift his head off the pillow today", "general"),
    ("diarrhoea 8 times today and I feel faint", "general"),
    ("mum isn't responding properly to me", "general"),
    ("I keep thinking my family would be better off without me", "general"),
    # ... and signs round 18 missed: typos, breathless "more than usual", breath not
    # coming back, words lost, confused about where she is, a fit somewhere, 99.8 F on a
    # targeted drug.
    ("an acident with my bowels today and both legz tingling", "spinal_cord"),
    ("my breathing is much worse than usual tonight", "breathing"),
    ("walked to the door and can't get my breath back", "breathing"),
    ("he keeps losing words since lunch", "general"),
    ("she is confused about where she is this evening", "general"),
    ("he had a fit at the bus stop", "seizure"),
    ("99.7 F this evening and I'm on palbociclib", "fever"),
    # ... and signs round 19 missed: blood in the pee or coming up, bleeding that keeps
    # coming, sleeping upright for back pain, air not enough, suddenly very unwell, double
    # vision with head pain, a temperature weeks after chemo ("finished" is another event).
    ("blood in my pee this morning", "bleeding"),
    ("blood comes up when she coughs", "bleeding"),
    ("his gums are bleeding and it keeps coming", "bleeding"),
    ("I'm sleeping sitting up in a chair because of my back", "back_pain"),
    ("hard for me to take breath today, not enough air", "breathing"),
    ("I feel suddenly very unwell tonight", "general"),
    ("pain in head like never before and I see two of everything", "headache"),
    ("running a temperature of 38.1, my last chemo finished 10 days ago", "fever"),
    # ... and round 20's: a new stab in the back on coughing, puffiness of the face with
    # breathlessness, one leg bigger than the other and sore, blood in the pee in capitals.
    ("a stab in her back when she sneezes, that's new", "back_pain"),
    ("puffiness around his face and neck and he's short of breath", "swelling_breathless"),
    ("my right arm is bigger than the left and it's painful", "blood_clot"),
    ("WEEING BLOOD SINCE THIS MORNING", "bleeding"),
    # ... and round 21's: a fit told by an onlooker (staring, twitching), a burning forehead
    # on chemo with no thermometer, blood in the toilet or from the back passage, pale
    # stools in other words, a leg she can't put down after no fall.
    ("he stopped talking and stared into space, then his hand started twitching", "seizure"),
    ("dad on palbociclib and his forehead is boiling, no thermometer in the house", "fever"),
    ("there was blood in the toilet after I went, quite a lot", "bleeding"),
    ("bleeding from her back passage since lunchtime", "bleeding"),
    ("my poo has been light coloured this week and I'm itchy", "jaundice"),
    ("he was only standing up and now he can't put his foot down, no fall at all", "broken_bone"),
    # Our own sentences for signs held-out round 14 missed: plain words for lack of oxygen,
    # jaundice told by its colours, fluids not staying down, a swollen calf.
    ("his lips have gone blue and he's breathing very fast", "breathing"),
    ("my pee is dark like cola and my poo has gone pale", "jaundice"),
    ("I haven't managed to drink anything all day, it all comes straight back up", "general"),
    ("my left calf is swollen and hot", "blood_clot"),
    # ... and signs held-out round 15 missed: saddle numbness in plain words, feeling fluey
    # on chemo, a headache by comparison, words coming out wrong, a bone after a cough,
    # black sticky stools.
    ("I've lost feeling down below and can't tell when I need a wee", "spinal_cord"),
    ("feeling fluey and hot, I'm on capecitabine", "fever"),
    ("it feels like someone hit me on the back of the head, it came on all at once", "headache"),
    ("his words come out wrong since this afternoon", "general"),
    ("I sneezed and felt something pop in my ribs", "broken_bone"),
    ("my poo is black like tar today", "bleeding"),
    ("my friend says my eyes have gone yellow", "jaundice"),
    ("I'm filling this in for my friend, she can't walk since this morning", "spinal_cord"),
    ("my neighbour drove me here because I had a seizure", "seizure"),
    ("my temperature is 37.8 and I had chemo on Monday", "fever"),
    ("he can't sleep because of his back, this is new", "back_pain"),
    ("what if it's serious, my legs went numb an hour ago", "spinal_cord"),
    ("can't walk since this morning", "spinal_cord"),
    # a fit or weak legs that have passed still need the team
    ("I had a fit yesterday but I'm fine now", "seizure"),
    ("my legs went weak this morning but they're fine now", "spinal_cord"),
    ("she's been acting strangely and asking the same thing over and over", "high_calcium"),
    ("my friend's mum says my skin looks yellow", "jaundice"),
    ("i just don't want to be here anymore", "general"),
    ("it says 38.4, what do I do", "fever"),
    ("I'm halfway through chemo and it's 37.7", "fever"),
    ("a nagging ache between my shoulder blades, sore when I press", "back_pain"),
    ("her left calf is throbbing and looks red", "blood_clot"),
    ("he's been dragging his leg since lunchtime", "spinal_cord"),
    # the person the patient acted on is not the one with the sign
    ("I picked up my granddaughter and now my hip is agony and I can't stand", "spinal_cord"),
    # a word of the sign itself ("keep") is not news that keeps it, nor is it calm
    ("I can't keep water down since this morning", "high_calcium"),
    # words of the new phrases, in sentences of our own
    ("my ribs are pouring sweat and the pain between my shoulder blades is like a hot poker at night", "back_pain"),
    ("her arm keeps jerking by itself and she can't stop it", "seizure"),
    ("my wrist went pop when I caught the door and now it's bent", "broken_bone"),
    ("his nose has been gushing for half an hour", "bleeding"),
    ("sorry, I can't get to the end of a sentence without stopping for air", "breathing"),
    # our own sentences for the rules added after round 12
    ("I can't lay flat any more without gasping", "breathing"),
    ("lumbar pain, worsening every night this week", "back_pain"),
    ("she's puffing and panting getting out of the chair", "breathing"),
    ("her ankle snapped stepping off the bus and it's at a funny angle", "broken_bone"),
    ("swelling of my face and neck and I'm short of breath", "swelling_breathless"),
    ("IM SO SCARED I FEEL LIKE IM DYING", "general"),
    ("I have been saving my pills for a while", "general"),
    ("temp and its 38.2 and I'm on chemo", "fever"),
    # added after round 13 (our own sentences)
    ("his legs keep folding under him and he had to crawl upstairs", "spinal_cord"),
    ("my headaches come every morning now and make me sick", "headache"),
    ("my husband says I went down and was shaking in the kitchen", "seizure"),
    ("100.9°F and I had paclitaxel on Tuesday", "fever"),
    ("I've got my tablets saved up for tonight", "general"),
    ("my left calf is much bigger than the other one and it hurts", "blood_clot"),
    # a new symptom is still news next to a new thing
    ("my new boots are fine but my legs have gone numb since lunch", "spinal_cord"),
]
RED_FLAG_CASES = [(kind, text) for kind, texts in RED_FLAGS.items() for text in texts]


@pytest.mark.parametrize("kind,text", RED_FLAG_CASES)
def test_detect_finds_the_kind_of_warning_sign(nlp, kind, text):
    assert detect(doc_for(nlp, text)) == kind, assess(doc_for(nlp, text)).reasons


@pytest.mark.parametrize(
    "text",
    [
        "My Legs Have Gone Heavy",
        "i wet myself!!",
        "I can’t feel my bottom",
        "I can not feel my legs",
        "I cannot feel my legs",
    ],
)
def test_detect_ignores_case_punctuation_and_contraction_style(nlp, text):
    assert detect(doc_for(nlp, text)) == "spinal_cord"


@pytest.mark.parametrize(
    "text,kind",
    [
        # A warning sign in a later part of the message still counts.
        ("the headache went away but now I can't feel my legs", "spinal_cord"),
        ("my back is the same as last month but I wet myself this morning", "spinal_cord"),
        ("my back is the same, but I've wet myself", "spinal_cord"),
        ("I'm 58. My legs have gone numb.", "spinal_cord"),
        # A calm past mention plus a new episode.
        ("I had a fit years ago and I had another one today", "seizure"),
        ("I used to get headaches but now I have the worst headache ever", "headache"),
        # Emphasis with "never" is not a negation.
        ("I've never felt so weak in my legs", "spinal_cord"),
        # Two kinds: the more specific comes first.
        ("my back pain is terrible and my legs are numb", "spinal_cord"),
        ("headache and vomiting", "headache"),
        # Doubt is not negation.
        ("not sure but my legs feel weaker", "spinal_cord"),
        # Typing for someone else.
        ("I'm typing for my dad, he had a seizure last night", "seizure"),
        # A question that describes the person is still a warning sign.
        ("is it normal that my legs feel numb?", "spinal_cord"),
        ("my legs have gone numb, what should I do?", "spinal_cord"),
        ("if I cough my back pain is terrible", "back_pain"),
        ("it hasn't gone away, my back pain is keeping me awake", "back_pain"),
        # Each mention is judged on its own: a settled one does not hide a new one.
        ("My legs went numb last year. My legs are numb again", "spinal_cord"),
        ("my legs were weak years ago; my legs are weak", "spinal_cord"),
    ],
)
def test_detect_reads_context_that_keeps_a_warning(nlp, text, kind):
    assert detect(doc_for(nlp, text)) == kind, assess(doc_for(nlp, text)).reasons


# --- detect(): calm look-alikes -----------------------------------------------------------

CALM = [
    # Our own sentences for the false alarms of round 48: "healed up on" a scan, "no fever
    # since".
    "my broken wrist healed up on the last x-ray",
    "had a high temperature after my last cycle, no fever since",
    # Our own sentences for the false alarms of round 47: Pidgin "fever no dey", the worry
    # that a cold "will turn into" a fever.
    "fever no dey, I just dey tired",
    "I'm always worried a cold will turn into a fever",
    # Our own sentences for the false alarms of round 46: a harmless cause after "but" (a
    # broken boiler, an antihistamine, carrots, a bathroom light), an exercise class in a
    # "because" clause, a foot or leg sat on that "woke up", a liver found fine, "no
    # fracture, just", worry about "every twinge", laughing too hard to breathe.
    "feeling shivery, but the heating's off and the house is cold",
    "a bit drowsy, but I took a piriton before bed",
    "my skin looks orange but I've been eating carrots every day",
    "the whites of my eyes look yellow in the mirror but it's the bathroom light",
    "legs heavy and stiff because I went to a zumba class on Saturday",
    "sat on my leg on the train and it went numb, it woke up after a few minutes",
    "about the yellow tinge in my eyes, they did bloods and my liver is fine",
    "went to A&E after a fall, no fracture, just a sprain",
    "I worry every twinge is the cancer pressing on my spinal cord",
    "the film had me in stitches, I couldn't breathe for laughing",
    # Our own sentences for the false alarms of round 45: "how high does a temperature have
    # to be", "paralysed with fear", kept up "half the night", a phone's filter, a spot
    # "checked by my GP".
    "how high does a temperature have to be before I call the team?",
    "I was paralysed with fear in the waiting room",
    "really drowsy because the dog kept me up half the night barking",
    "the warm filter makes my skin look yellow in photos",
    "my eyes looked yellowish but it was checked by my GP and it's nothing",
    # Our own sentences for the false alarms of round 44: "none now", "long finished",
    # numb sitting on the floor, "to count as", what a leaflet mentions, "looking out for",
    # orange lighting.
    "fever at the weekend, none now",
    "had a clot in my leg after the op, treated and long finished",
    "legs went dead sitting on the floor doing a jigsaw",
    "what number does my temp have to hit to count as a fever?",
    "my leaflet mentions SVCO, is that the swelling thing?",
    "should we be looking out for weakness in her legs?",
    "my skin looks yellowish under the orange lighting in the hall",
    # both feet swollen after a day standing are no clot ("feet" is not one leg)
    "my feet swelled up after a day on my feet at the fair, gone down by the morning",
    # Our own sentences for the false alarms of round 43: a check after the sign with the
    # day it was checked, "it's freezing", a puppy, a pupil, "fine as soon as", "been fine
    # since last night", "went straight away", gasping as an idiom, "scared stiff of", a
    # stuffy nose, "laughed about it afterwards", aqua aerobics, and good and bad days.
    "my chest pain was looked at yesterday, the ECG was normal",
    "hands trembling cos it's freezing in the car",
    "our puppy can't walk properly today",
    "a pupil in year 9 had a seizure in assembly, I'm fine",
    "foot went numb sitting on the floor too long, fine as soon as I stood up",
    "threw up once after bad seafood, been fine since last night",
    "chest went tight after a laughing fit, went straight away",
    "these energy bills have me gasping for air",
    "I'm scared stiff of getting a blood clot on the plane",
    "a bit breathless talking because of a stuffy nose",
    "my aunt fainted at the party and we all laughed about it afterwards",
    "very thirsty after aqua aerobics",
    "some days I'm fine and others I can't get up",
    # Our own sentences for the false alarms of round 42: a cause after "I'd just come out
    # of", a bank holiday, "my best mate", "as a wean", seasons ago, a team
    # "bleeding goals", waiting that is "killing me".
    "felt boiling hot and sweaty but I'd just come out of the jacuzzi",
    "confused about what day it is cos of the bank holiday",
    "my best mate's ankle swelled up and went purple after netball",
    "as a wean I had migraines wi flashing lights",
    "two summers ago I was very confused for a few days, fully back to myself",
    "my team keep bleeding goals every week",
    "the wait for the scan results is killing me",
    # Our own sentences for the false alarms of round 41: a denied list that goes on with
    # "or any", a temperature "been normal since", eyes "white again now" after normal
    # bloods, causes in a "because" clause ("because I took my sleeping tablet", a long
    # hike), an ice pack, "my oga", "long since cleared", growing out of fits, Pidgin "e don
    # clear", "might go weak", numb feet "on paclitaxel", "right as rain now", "sorted itself
    # out now", "gasping for a brew"; and answers that only sounded like signs: a
    # consultant "vague about it", "confused between" the ER and the HER.
    "I haven't had any problems walking or any weakness in my arms",
    "had a temperature at the weekend, temp's been normal since",
    "nurse checked my yellowish skin, bloods were fine, it looks normal again now",
    "drowsy today because I took an extra sleeping tablet",
    "my legs feel heavy today because I did a long hike on Sunday",
    "my hand is numb but I've had the ice pack on it for my sprain",
    "my oga get high fever since Monday",
    "I had jaundice as a baby, long since cleared",
    "mi use to have fits as a youth, but mi grow outta dem",
    "For 2010 I get yellow eyes, e don clear since",
    "scared my arms might go numb like my aunt's",
    "is tingling in the feet normal on docetaxel or should I tell someone?",
    "was sick after the rollercoaster, right as rain now",
    "was badly bunged up after the flight, sorted itself out now",
    "I'm gasping for a brew",
    "the nurse was awful vague about the results",
    "I always get confused between HER2 and ER",
    # Our own sentences for the false alarms of round 40: "fine for years" after a past
    # sign, Pidgin "e don finish" and "e don normal", "our kid's mate", "mi bredda", "just
    # thinking about", a title without quotes before "by", "Blood Brothers", "today totally
    # fine", water that fixed a thirst, "dead sore" legs, a lamp's light, a harmless cause
    # after a short "and ...", and an answer that only sounded like a sign.
    "had a chest infection years ago and was very breathless then, but I've been fine for years",
    "In 2016 I get typhoid fever once, e don finish, no fever now",
    "our kid's mate broke his ankle on the trampoline yesterday",
    "mi bredda did have fits as a youth",
    "I go cold just thinking about seizures",
    "Seizure by some band I've never heard of is on the radio",
    "Seizure by the Sparrows has been stuck in my head all day",
    "we're watching Blood Brothers again, so good well well",
    "threw up once after a dodgy kebab last night, today totally fine",
    "I was very thirsty after my spin class, had a big glass of water and I was fine",
    "my foot numb small when I sit for floor, after small time e don normal",
    "my legs are dead sore from the long walk on Sunday",
    "my skin looks yellow in photos because of the orange lamp light",
    "my hands are numb because I was shovelling snow",
    "my hand's numb and tingly because my watch strap was too tight, loosening it now",
    "I'm in bed more than I'm out of it these days",
    # Our own sentences for the false alarms of round 39: "long back", "when mi was a
    # pickney", a minister, an officemate, "nearly had a seizure when", "almost fainted on
    # the spot", "petrified of getting", an EEG that was normal, "okay already", a cause
    # after "but that's the new", "it's the blue lollipop".
    "In college I had a fever long back",
    "I had a bad fever when mi was a pickney",
    "the minister fainted during the service",
    "my officemate has a high fever today",
    "I nearly had a seizure when the bill came",
    "I almost fainted on the spot when they told me the price",
    "petrified of getting a blood clot on the plane",
    "had a funny turn on Sunday, EEG normal, no more episodes",
    "I was vomiting last week, A&E sorted it, okay already",
    "drowsy today but that's the new sleeping pill",
    "lips are blue but it's the blue lollipop",
    # "body dey hot" (added for round 39) explained by "because I just come from the kitchen"
    "body dey hot because I just come from the kitchen",
    # Our own sentences for the false alarms of round 38: a teacher, a neighbour "telling me
    # her husband", a novel's hero, a fear of fits to come, nerves that "make me want to
    # throw up", checked in A&E last week, a book title without quotes, a strap too tight,
    # "weeks back ... done now", carrots after "I've been", the weather's degrees, "what is
    # ..." after another clause.
    "our teacher had a seizure in class this morning",
    "my neighbour was telling me her husband has gone yellow",
    "in the novel the hero has a seizure",
    "I'm sure I'll start having fits when it spreads",
    "the results make me want to throw up, nerves",
    "got checked in A&E last week for breathlessness",
    "I'm reading Fever by Mary Beth Keane",
    "my hand went numb because my watch strap was too tight",
    "had a fever three weeks back, antibiotics sorted it, done now",
    "my skin looks a bit orange but I've been eating lots of carrots",
    "it's 40 degrees outside today",
    "my nurse mentioned it at clinic, what is hypercalcaemia?",
    # Our own sentences for the false alarms of round 37: tingling during chemo that
    # cleared, a flatmate's faint, "can the cancer ... cause", "is vomiting ... always",
    # "if ..., who do I ring", a team that collapsed, the jerk as you fall asleep, a
    # blueberry, the snow, an antihistamine, a patient in the bed opposite.
    "pins and needles in my feet during chemo last spring, all cleared up now",
    "my housemate keeps fainting in the heat",
    "can secondary cancer in the liver cause yellow eyes",
    "is coughing up blood always an emergency",
    "if my back pain ever got severe, who do I ring",
    "our defence collapsed in the last ten minutes",
    "had a twitch when falling asleep, the jerk everyone gets",
    "lips are blue from a blueberry ice lolly",
    "my feet went cold and tingly from the snow",
    "drowsy because I took an antihistamine at lunch",
    "the man in the bed opposite me was vomiting blood all night",
    # a clot from a PICC line found months ago, "the swelling's gone" (our fix for round 37 had warned)
    "the PICC clot in my arm was treated back in March and the swelling's all gone",
    # Our own sentences for the false alarms of round 36: someone else's sign "I never
    # have", "is a ... always", "in general why", a favourite song, a cramp stretched
    # away (see the DIET test below), a fracture that has healed, tingles that went with new tablets, pollen.
    "my sister gets migraines with flashing lights but I never have",
    "is a temperature after chemo always an emergency",
    "Fever is my favourite song to dance to",
    "the fracture in my rib has healed, pain free now",
    "my hand tingles went with the new tablets",
    # Our own sentences for the false alarms of round 35: a cured jaundice "a long time
    # back", sickness in a pregnancy decades ago, a fit the neurologist is happy with, an
    # orange skin "it's the fake tan", a husband's swollen ankles "not mine", "just
    # wondering" before a general question, a song called Bad Blood.
    "a long time back I had yellow skin from a virus, fully cured",
    "I was sick every morning when I was pregnant with my daughter, she's 25 now",
    "her seizure was in May, she is on Keppra now and the neurologist is happy, none since",
    "my skin has gone orange, must be the fake tan",
    "I had a blood clot in my leg last year and I'm still on thinners",
    "my husband's feet swell in the heat, not mine",
    "just wondering, can bone mets cause a fracture?",
    "I've had Bad Blood stuck in my head all day",
    # Our own sentences for the false alarms of round 34: a sign the team checked and
    # found fine, a stranger who fainted, a fit "several years ago", song and film titles
    # in quotes, a tongue yellow from sweets.
    "I had a temperature at the weekend; the bloods came back normal.",
    "my arm went numb last month, the MRI was clear and the numbness has gone",
    "Chest pain at the weekend, ECG normal, discharged the same day",
    "a stranger fainted on the bus this morning",
    "Several years ago I had a seizure, none since",
    "listening to 'Fever' by Peggy Lee on repeat",
    "my favourite film is 'Breathless' with Richard Gere",
    "my tongue is yellow from the lemon sweets",
    # Our own sentences for the false alarms of round 33: a child's temperature ("my 8
    # year old"), a leg scanned for DVT, a healed cracked rib, a cat asleep on a leg,
    # shivering "cos" the heating is off, puffy from crying, a dead arm after a jab,
    # choking on a crumb, a general question about what the cancer could do, films and
    # songs. A back pain and then another body part worse at night: no back-pain warning.
    "my 8 year old has a temp of 38, so replies may be slow",
    "they scanned it for DVT and found nothing",
    "the cracked rib was from a fall and it's healed now",
    "my foot is numb because the dog is asleep on it",
    "shivering cos the heating is off, getting a blanket",
    "my eyes are puffy from crying at the film",
    "dead arm after the covid jab, fine now",
    "choked on a crumb, coughed it up, all good",
    "can the cancer in my liver make me go yellow?",
    "watching Dazed and Confused again",
    "my back hurts. It's my right knee that's worse at night",
    # Our own sentences for the false alarms of round 32: a fit years back and never
    # again, fevers "back then" and nothing like that now, a fever treated as malaria,
    # turmeric and blueberry colours, kitchen lighting, sore calves after a charity run,
    # travel sickness, a blood pressure cuff, the fear of ending up paralysed, songs and
    # a team. (A relative's sign with "not me" or "I'm fine" still warns: the writer
    # may be a carer typing for that relative.)
    "she had a convulsion in 2018, e never happen again",
    "three years back she had jaundice, now no problem",
    "back then the chemo gave me fevers but nothing like that now",
    "doctor don check the fever, dem treat am and she don well",
    "my fingers are yellow from chopping turmeric",
    "my tongue is blue from the blueberry sweets",
    "my skin looks yellow but it's the kitchen lighting",
    "my calves ache because I did a 10k run on Sunday",
    "he was sick in the car, travel sickness, now he is fine",
    "my arm tingled from the blood pressure cuff, fine straight after",
    "I'm scared of me ending up paralysed one day",
    "listening to Comfortably Numb on repeat",
    "the Indiana Fever play tonight",
    # Our own sentences for the false alarms of round 31: the thought of a clot, a mind
    # that went blank, sleepy after a big meal and fine now, a hospital drama's seizure,
    # orange skin from carrots, turmeric fingers, a photo filter, headaches that needed
    # glasses, drowsiness that was the new painkiller. (A son's fever and a brother's
    # seizure still warn: a carer may be typing for the patient.)
    "the thought of getting a blood clot keeps me awake",
    "my mind just went blank when the nurse asked my date of birth",
    "I was drowsy after a big dinner, had a lie down and feel grand",
    "in the episode with the seizure I had to look away",
    "my skin looks orange but the nurse said it's all the carrots I eat",
    "my nails look yellow because of the turmeric in my cooking",
    "I look yellow in that picture, it's just the filter",
    "the headaches went once I got new glasses",
    "the sleepiness was the new painkiller, I'm fine since they changed it",
    "my arms looked yellow yesterday but it was the sunbed, eyes are totally white",
    # Our own sentences for the false alarms of round 30: yellow eyes "as a teen", long
    # sorted; back on my feet now; a carer off sick with a fever; idioms (giving me the
    # shivers, bleeding awful, weak at the knees); a song and a film; a clot scan that was
    # clear; seizure meds; chest pain that was reflux; confusion that was a urine
    # infection, treated; wobbly legs fixed with tablets; a fever all treated and home now.
    # (A brother's coughed-up blood with "I'm fine" after it still warns: the patient's "I"
    # comes back into the message.)
    "I had yellow eyes as a teen with glandular fever, long sorted",
    "after my op in March I couldn't walk far but I'm back on my feet now",
    "my carer is off with a fever so my son is driving me",
    "all this waiting gives me the shivers",
    "the parking at the clinic is bleeding awful",
    "I went weak at the knees when the consultant smiled",
    "humming Fever by Peggy Lee in the kitchen",
    "we watched Breathless last night, what a film",
    "they scanned my leg for a clot and it was clear",
    "my seizure tablets are doing their job, no fits this year",
    "chest pain last week, it was reflux, the ECG was fine",
    "her confusion was a urine infection, treated with antibiotics",
    "the wobbly legs were low potassium, fixed with tablets",
    "I was in with a fever in October, all treated and home now",
    # pain that makes the housework "very hard" is how symptoms affect the day, not a warning
    "the pain in my hip makes the gardening very hard for me",
    # Our own sentences for the false alarms of round 29: a wrist broken "when I was 12",
    # a bad dream about legs that would not work, cup final fever at work, sleeping right
    # through the night, a fruit (blood orange), headaches from new tablets that the nurse
    # checked and that went after a week. (A lump on a collarbone broken as a teenager that
    # is "still there" still warns: "still" keeps a sign.)
    "I broke my ankle when I was 12 and it aches in the cold",
    "I had a bad dream that my legs wouldn't move, they're fine",
    "the whole street has cup final fever",
    "my back is better and I'm sleeping right through the night",
    "a blood orange for breakfast every day",
    "the headaches from the new tablets were checked by my nurse and went after a week",
    # Our own sentences for the false alarms of round 28: a clot long since sorted, numbness
    # that went completely and "every day again", a mate's dog's fits, a husband's fever
    # while I sleep in the guest room, "I am the breast cancer patient", how high a
    # temperature must be, whether a fit always means something, a knees-went-weak idiom,
    # a cold leg that came back after a minute of pins and needles, a fever after a
    # booster gone by next morning, antibiotics sorted it, a fracture treated with
    # radiotherapy, Saturday Night Fever. (A splitting headache "yesterday" after wine, gone
    # after a sleep, and feeling shivery "this morning" in the sleet, warmed up since, still
    # warn: a recent time in the sign's clause keeps a sign.)
    "a clot in my calf in 2015, long since sorted",
    "the numbness went completely, I'm swimming every day again",
    "me mate's collie had fits last night, vet's got him",
    "my wife has a fever so I'm sleeping in the guest room",
    "my son has a fever, I am the breast cancer patient and I'm well",
    "how high does a temperature need to be before I ring the ward?",
    "out of interest, does a seizure always mean brain mets?",
    "my knees went weak when the surgeon smiled",
    "foot went numb from sitting on it, came back after a minute of pins and needles",
    "a temperature after my covid booster, gone by next morning",
    "had a temperature on cycle 3, antibiotics sorted it",
    "the fractured rib had radiotherapy for it, pain much better",
    "Saturday Night Fever is on at the theatre",
    # Our own sentences for the false alarms of round 27: "I'm 54 now" after a fit long ago,
    # a relative's habit of bringing it up, shingles round the middle long gone, keeping my
    # distance from a relative's temperature, a sister who drives me, a child's headaches
    # ("he's 12"), a fear of a fracture, a form giving me a headache, asked if my eyes were
    # yellow, fake tan, back home and feeling well, "doesn't wake me", a quiz team, a song
    # and a legal "seizure". (A carer's father with weak legs from Parkinson's, and a
    # husband's swollen red ankle from gout followed by "I'm fine", still warn.)
    "I had one fit at school, none since, I'm 61 now.",
    "my aunt always brings it up at Christmas",
    "shingles round my waist years back, that's long gone",
    "my daughter has a temperature of 38, I'm keeping my distance",
    "my brother broke his wrist, he's the one who drives me to appointments",
    "my son gets bad headaches, he's 12",
    "I'm terrified of a fracture in my spine",
    "these questions are giving me a headache",
    "the nurse asked if my skin was yellow, it isn't",
    "my legs looked orange, turns out it was the fake tan",
    "in last week with a temperature, back home and feeling well",
    "my back aches a bit, same as always, it doesn't wake me",
    "our quiz team is called The Broken Bones",
    "I love the song Fever by Ray Charles",
    "the seizure of goods by the bailiffs was a shock",
    # Our own sentences for the false alarms of round 26: a fever in an earlier year and
    # "not on chemo now", high calcium treated with a drip and normal since, a relative's
    # fever with "feel fine myself", a character on TV, checking the mirror "for yellow",
    # a fear of not waking up, a head exploding with information, orange palms from carrot
    # juice, "home and well now", "none since", a healing rib, "normal ever since".
    "I had a fever on chemo back in 2020; I'm not on chemo now",
    "my calcium was high last summer, they gave me a drip and it's been normal since.",
    "my grandson has a fever, I'm not on chemo any more and feel fine myself",
    "a character in the film I was watching had a seizure, I'm fine though",
    "I check my eyes for yellow every morning",
    "I'm scared that I will not wake up one day",
    "my head is exploding with all the information",
    "orange palms from the carrot juice, eyes are white",
    "I was in with a temperature last week, I'm home and well now",
    "a fit in June after the op, none since",
    "the cracked rib is healing well, they say",
    "face swelling was stented in spring, breathing's been normal ever since",
    # Our own sentences for the false alarms of round 25: a fit in an earlier year with
    # nothing since and off the tablets now, the last fit "was 2008", yellow eyes since the
    # twenties, a worry "waiting to happen", what a relative "keeps saying" might happen, a
    # relative's temperature with "no temperature myself" or "keep away from him", Pidgin
    # "no be me", admin killing me, shivering because of the boiler with a normal reading,
    # hay fever, a drink's brand name, a hot-drink reading rechecked as normal.
    # (Thirst after a salty meal "last night" and black stools since starting iron
    # tablets still warn: a recent time in the sign's clause keeps a sign.)
    "one fit after the op in 2021, nothing since, off the tablets now",
    "well controlled epilepsy, my last fit was 2008",
    "my eyes have gone a bit yellow when tired, been like that since my twenties",
    "I feel like a fracture waiting to happen",
    "my aunt keeps saying I might get jaundice one day",
    "my daughter has a temp of 39 but I have no temperature myself",
    "my partner has a fever, I'm fine, should I keep away from him",
    "my brother get fever, no be me",
    "the paperwork is killing me",
    "shivering because the heating is off, temp is a normal 36.4",
    "hay fever is bad this year",
    "is Fever-Tree ginger ale fine with chemo?",
    "it said 38 after a hot drink but I rechecked and it's 36.7",
    # Our own sentences for the false alarms of round 24: idioms (cabin fever, chills
    # when remembering, jaundiced about, nearly fainted at a bill, a ceiling collapsed), a
    # pet's fit, an arm slept on, thirst after a run in the heat, a worry "down the line".
    # (A friend who collapsed, written "(not me!)", and a daughter's broken arm still warn.)
    "cabin fever after a week indoors",
    "I still get chills thinking about that scan",
    "I'm a bit jaundiced about the NHS these days",
    "nearly fainted when I saw the bill",
    "the kitchen ceiling collapsed last night",
    "my nan's dog had a seizure, the vet says she's fine",
    "I slept on my arm funny and it went dead, back to normal now",
    "so thirsty after a run in the heat",
    "could the mets cause fits down the line?",
    "my back is killing me with all this form filling",
    # Our own sentences for the false alarms of round 23: an old injury, a warning told in
    # advance, a tongue bitten while eating, a colour or a shiver that has passed ("faded
    # now", "grand now", "normal now"). (A relative's fit or broken bone, with no word that
    # they are not the patient, still warns.)
    "my ankle gives way now and again since an old football injury",
    "is this the compression they warned me about? nothing has actually changed",
    "I bit my tongue while eating and it stopped straight away",
    "my skin went orange from carrot juice but it's faded now",
    "I got caught in the rain and was shivering, I'm grand now",
    "my pee was red from the beetroot, normal now",
    # Our own sentences for the false alarms of round 22: a sign in an earlier year
    # with nothing like it since, a past time that opens the sentence, "keeps an eye on",
    # "since many years", a relative's sign beside "I'm fine though" or "About me",
    # "please what is ...", a fear of getting a sign, a harmless cause given with
    # "because", Scots "nae". ("my son broke his arm at football" still warns: a
    # relative is not said to be someone other than the patient.)
    "I had a fit in 2018 when my sodium was low, nothing at all since",
    "back in 2016 I had emergency surgery on my spine and I've been fine ever since",
    "years ago, like 2010, I had blood in my pee from a kidney stone, no problem since then",
    "when I started tamoxifen in 2019 I had a fever once, nothing like it since",
    "my calves have ached at night for years, no change, the GP keeps an eye on them",
    "always thirsty since many years because of my diabetes, nothing has changed",
    "my brother had a clot in his leg after surgery, I'm fine though",
    "my grandson's baby had a temperature after her jabs, she's settled now",
    "my aunt has high calcium from her thyroid. About me, I'm 61",
    "please what is spinal cord compression?",
    "I'm scared of getting a fever on chemo and having to go in again",
    "I'm dreading the day the pain gets unbearable, but right now it's under control",
    "nae fever, nae bleedin, am daein fine",
    "I was shivering last night because the aircon was too cold, fine after",
    "my legs are a bit weak after chemo but it passes",
    "my consultant brought it up at the last appointment",
    # Our own sentences for the false alarms of round 17: a vague registrar, a late
    # husband, the carer who looks after the patient, a warned side effect that never
    # came, an idiom. ("I keep thinking my bones might snap" still warns: "keep thinking"
    # also opens thoughts that must warn, see KEPT_IN_CONTEXT.)
    "the registrar was a bit vague about timings",
    "my late husband had jaundice at the end",
    "my partner, who looks after me, has a temperature today",
    "they said bleeding could happen on this drug, so far there has been none",
    "I've been breaking my neck to get everything done",
    # ... and round 18's: "not the patient", "the one with breast cancer", a baby, an
    # anxious "I'll", a worry about one day with "fine for now", a fit of giggles.
    "my dad has a bad headache and keeps being sick, he's not the patient",
    "my husband's calf is swollen, I'm the one with breast cancer",
    "our baby has a temperature of 38.5",
    "I'm anxious I'll get a blood clot on the plane",
    "I worry my back might break one day, it's fine for now",
    "we had a fit of giggles at the clinic today",
    # ... and round 19's: numb for 20 years, a child's fever beside "I'm not ill", "my
    # wife herself is fine", a daily worry, idioms, a nurse's "call if".
    "numb spot on my shin for 20 years, checked, unchanged",
    "my daughter has a temp of 38, I'm not ill",
    "our son has a fever but my wife herself is fine",
    "I worry every day about bleeding on these tablets",
    "my mum would have a fit if she knew",
    "spitting blood about the parking charges",
    "the nurse said to call if my temp goes over 37.5",
    # ... and round 20's: a clot treated with no problems now, confusion in spring and
    # herself again, Raynaud's every winter, thirst after heat and water, a general
    # question, an explanation that confused, idioms of breath, nerves and hot and cold.
    "he had a clot in his arm in 2019, no problems now",
    "she was confused in summer when her calcium was up, she's herself again",
    "my fingers go white and numb every winter, it's Raynaud's",
    "thirsty after gardening all afternoon, had some water and feel fine",
    "can brain mets cause seizures, asking for general info",
    "the surgeon's explanation left me confused",
    "the view from the hospital window takes my breath away",
    "my legs are like jelly with nerves, nothing wrong",
    "she blows hot and cold about having radiotherapy",
    # ... and round 21's: a relative's newborn, "not me, I'm fine", a question about how
    # common a sign is or what it is, a leaflet's advice for the future, idioms of weather,
    # laughter and a seizure at a bill, constipation for decades, dark pee that cleared.
    "our newborn has jaundice and the midwife says it's normal",
    "my son has a swollen calf after rugby, not me, I'm fine",
    "does jaundice happen more often with liver mets",
    "what is a pathological fracture, the nurse mentioned it",
    "what does a blood clot feel like, so I know",
    "the booklet says to call about a fever over 38, noting it for the future",
    "the heat is killing me today, roll on autumn",
    "we collapsed laughing at the vet's bill",
    "my husband will have a seizure when he sees the new kitchen",
    "constipation on and off for decades with my IBS, nothing different lately",
    "my pee was dark this morning but I drank loads and it's back to pale now",
    # Our own sentences for the false alarms of round 16: a friend from work, a partner's
    # flu with "the answers are about me", a vague doctor (not a vague person).
    "a mate at work is off with a raging fever",
    "my partner has a fever with the flu, the answers are about me",
    "the consultant was vague about the next scan",
    "I cracked a rib at the time of my first cancer but it healed up",
    # a fit long ago, "never since", stays calm beside a fit that "stopped" just now
    "she had a fit as a toddler with a temperature, never since",
    # Our own sentences for the false alarms of held-out round 14: a sign as a baby, a
    # word read in a leaflet, a worry typed without apostrophes, a cause that is not a sign,
    # a child someone else knows.
    "I had jaundice as a newborn, never since",
    "what are pathological fractures, I read about them on a website",
    "im scared ill get a temperature when the new chemo starts",
    "my sore neck is from dozing off funny in the armchair",
    "a child in my son's class had a seizure at school today",
    # ... and false alarms of round 15: a lifelong limp, the biggest fear named, a sports coach.
    "I've always limped, since polio when I was small",
    "my worst fear is it spreading to my spine and my legs going weak",
    "my daughter's football coach fractured his wrist",
    # answers whose words hold a sign's words: "out of it", "take them all"
    "I had eczema when I was young but I grew out of it",
    "the surgeon said he can't take them all out",
    # Our own sentences for the rules added after round 12: a new thing is not a new
    # symptom, "..., then fine" points back, "since last year" is not news, a question
    # about the clinic's questions, someone else named "the patient is me".
    "my toes went numb in my new shoes, fine once I took them off",
    "my arm had pins and needles for a minute, then fine",
    "the tingling in my fingers from chemo hasn't changed since last year",
    "why does the nurse always ask about yellow eyes?",
    "my father-in-law has had a fever all week, he's in hospital",
    "I'm the patient and I'm fine, my son has the temperature",
    "the new chemo nurse is a breath of fresh air",
    "I was shivering after the rain but I'm warm now and my temp is 36.9",
    "what does SVCO mean on my discharge letter?",
    "wat does DVT stand for",
    "my nose bled a little after I blew it, stopped on its own",
    "the numbness in my toes has been the same since last summer, the team know about it",
    "the old man next door fell and broke his hip",
    "my pins and needles from sitting cross-legged went off in a minute then fine",
    # From the brief.
    "my back feels the same as last month",
    "I feel good most days",
    "I had a headache last week after a long day but it went away",
    # Negated.
    "I haven't had a fit",
    "no numbness or weakness in my legs",
    "my legs aren't weak",
    "I don't have a fever",
    "no fever and no shivers",
    "I've never had a seizure",
    "I'm not confused",
    "there's no pain in my chest",
    "I have no trouble walking",
    "my bladder and bowels are fine",
    "no, it's not in my spine",
    # Settled, unchanged, past.
    "I had back pain last year but it settled",
    "the pain in my back is much better now",
    "my back pain is under control with tablets",
    "I had a fever in 2019",
    "I had a seizure once, years ago",
    "my neck pain is about the same as always",
    "my breathing is no worse than usual",
    "the numbness in my feet is from the chemo",
    "I had chest pain after my surgery but it was just the wound",
    "the tingling in my hands from chemo hasn't changed",
    # Ordinary answers to the questions.
    "it's in my spine and my hips",
    "headaches from the spots in my brain",
    "the pain in my back",
    "my lower back and my ribs",
    "I get out of breath climbing stairs",
    "I'm tired all the time and in pain",
    "I feel fine most days",
    "I can do everything I did before",
    "I'm in bed most of the day",
    "the scan showed it's growing in my spine",
    "it's getting worse on the scans",
    "I have diabetes and high blood pressure",
    "I'm fit and healthy apart from the cancer",
    "the cancer is in my chest wall",
    "I can't walk far because of my hip",
    "I can only do light work",
    "I want to breathe easier",
    "I want less pain",
    "it came back in 2019",
    "grade 3, ER negative",
    "I'm 72",
    "yes",
    "not sure",
    # Questions and worries that describe no sign.
    "what is spinal cord compression?",
    "what does jaundice mean?",
    "I'm confused by the question",
    "sorry, I'm confused, what do you mean?",
    "I'm a bit confused about my treatment plan",
    "I'm worried about getting a fever in the future",
    "what should I do if I get a temperature?",
    "if my arms go numb, who do I call?",
    "my friend had a seizure once",
    "the nurse told me to watch out for signs of a fever",
    # Someone who is not the patient (whose).
    "my neighbour's little boy had a seizure at school",
    "our cat has fits, the vet is sorting it",
    "a friend from work broke her wrist",
    "my aunt has jaundice from her gallstones, I'm the one with the cancer and I'm fine",
    # A condition or worry that covers what follows it (how).
    "what if my back gets worse and I can't walk?",
    "I'm dreading the day I can't walk",
    # An open question typed without "?" (how).
    "how do you know if a headache is serious",
    "what counts as a high temperature",
    # A cause given after "because" (when/why).
    "my hand went numb because I was leaning on it",
    # Settled as of now, said after the sign (when).
    "I was sick twice yesterday after a bad curry but I'm fine today",
    "I had a temperature of 38 in october, all good since then",
    "my aunt's friend has gone yellow, she's in hospital",
    "a man at my church had a stroke",
    "I cracked a rib when I was 30 playing rugby",
    "the numbness under my arm has been there since my mastectomy",
    # Idioms.
    "I nearly had a fit when I saw the bill",
    "we were crying with laughter at the wedding",
    # Look-alikes of the other oncology emergencies.
    "I broke my wrist when I was a child",
    "I'm worried about the risk of a fracture in my spine",
    "the news broke my heart",
    "my face is puffy from the steroids",
    "I had a dvt years ago and it cleared up",
    "the cut on my finger bled a bit but it stopped",
    "what is a blood clot?",
    # The longer calm phrase wins over a sign word inside it ("barely").
    "my neck pain was bad last spring, physio sorted it out and I barely notice it now",
    # "it" in the calm phrase points back at the sign.
    "the pain in my back was awful at Christmas but the steroids fixed it",
    # A year that is past ("since my op in 2015") is not something new.
    "my left ankle has been swollen and bigger than the right since my op in 2015",
    # "your" and no one named: a general question, even without "?".
    "does chemo make your eyes go yellow",
    # The word right after the other person is theirs; someone the patient lifted is not the patient.
    "my neighbours wife had a fit at the bus stop",
    "my friends dad has gone yellow, they think it's his liver",
    # Fear of what a drug will do.
    "worried the new tablets will make me so sick I can't keep anything down",
    "I'm drowning in letters from the hospital",
    "his breathing is fine now the swelling in his arm went down after the stent",
    # Other words.
    "my hair is falling out",
    "I walk the dog every morning",
    "I'm sick of waiting for results",
    "my mum is doing well",
    "thank you",
    "bye",
]


@pytest.mark.parametrize("text, kind", KEPT_IN_CONTEXT)
def test_detect_keeps_a_sign_whose_context_does_not_say_it_is_someone_elses_or_past(nlp, text, kind):
    assert assess(doc_for(nlp, text)).kind == kind


@pytest.mark.parametrize("text", [
    # "I think so" answers the question: its "so" is not "so bad" beside the pain
    "I think so, I've had to stop driving because of the pain in my neck",
    # holding one's breath while waiting is no breathlessness
    "the wait for results is like holding my breath for two weeks",
])
def test_words_that_only_look_like_a_sign_name_no_symptom_so_the_classifier_cannot_warn_on_them(nlp, text):
    assert not assess(doc_for(nlp, text)).mentions_symptom


def test_a_plain_dont_know_names_no_symptom_so_the_classifier_cannot_warn_on_it(nlp):
    # "didn't know" (wetting oneself unawares) is a sign part; "don't know" shares its norm "do not"
    assert not assess(doc_for(nlp, "don't know really, she keeps it all to herself")).mentions_symptom
    assert assess(doc_for(nlp, "I wet myself and didn't know")).kind == "spinal_cord"


@pytest.mark.parametrize("text", CALM)
def test_detect_stays_quiet_on_calm_mentions(nlp, text):
    found = assess(doc_for(nlp, text))
    assert found.kind is None, found.reasons


@pytest.mark.parametrize(
    "text",
    [
        "I haven't had a fit",
        "I had a headache last week after a long day but it went away",
        "my back feels the same as last month",
        "what is spinal cord compression?",
        "I had back pain last year but it settled",
        # round 46: beetroot, a skipped coffee
        "my wee was red but I had beetroot soup for lunch",
        "headache since I skipped my morning coffee, it's easing already",
        # someone else's sign, and the writer says they are the patient: DIET alone must not warn
        "my brother is coughing up a bit of blood, the GP is seeing him. I'm the one with cancer and I'm fine",
    ],
)
def test_assess_marks_calm_context(nlp, text):
    assert assess(doc_for(nlp, text)).calm is True


@pytest.mark.parametrize("text", ["I feel fine most days", "it's in my spine and my hips", "I'm 72"])
def test_assess_does_not_mark_plain_answers_as_calm(nlp, text):
    assert assess(doc_for(nlp, text)).calm is False


def test_assess_gives_the_characters_that_show_the_sign(nlp):
    text = "hello, i wet myself this morning"
    found = assess(doc_for(nlp, text))
    assert found.kind == "spinal_cord"
    assert text[found.start:found.end] == "wet myself"


def test_every_kind_has_its_warning_in_the_domain(domain):
    for kind in red_flags.KINDS:
        assert f"utter_urgent_{kind}" in domain["responses"]
    assert {kind for kind, _, _ in red_flags.COMBINATIONS} <= set(red_flags.KINDS)


def test_combinations_name_only_parts_the_vocabulary_defines():
    import yaml

    from actions import settings

    vocabulary = yaml.safe_load((settings.PROJECT_ROOT / "nlp" / "patterns.yml").read_text())
    parts = set(vocabulary[red_flags.PART])
    named = {part for _, _, needed in red_flags.COMBINATIONS for group in needed for part in group}
    assert named <= parts, sorted(named - parts)
    assert set(vocabulary[red_flags.SIGN]) == set(red_flags.KINDS)
    assert set(red_flags.CALM_ONLY_FOR) <= set(vocabulary[red_flags.CALM])


# --- the Rasa component ---------------------------------------------------------------------


def message_for(nlp, text: str, ranking: Optional[List[Dict[str, Any]]] = None, with_doc: bool = True) -> Message:
    ranking = ranking if ranking is not None else [{"name": "inform", "confidence": 0.9}, {"name": "urgent_symptom", "confidence": 0.05}]
    message = Message(data={TEXT: text})
    if with_doc:
        message.set(SPACY_DOCS[TEXT], doc_for(nlp, text))
    message.set(INTENT, dict(ranking[0]), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(r) for r in ranking], add_to_output=True)
    message.set(ENTITIES, [], add_to_output=True)
    return message


@pytest.fixture
def detector():
    return RedFlagDetector.create(RedFlagDetector.get_default_config(), None, None, None)


def red_flag_entities(message: Message) -> List[Dict[str, Any]]:
    return [e for e in message.get(ENTITIES) or [] if e["entity"] == "red_flag"]


def test_component_marks_a_rule_detected_sign_as_urgent(nlp, detector):
    text = "Since this morning my legs have gone heavy"
    [message] = detector.process([message_for(nlp, text)])
    assert message.get(INTENT) == {"name": "urgent_symptom", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0] == {"name": "urgent_symptom", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)].count("urgent_symptom") == 1
    assert "inform" in [r["name"] for r in message.get(INTENT_RANKING_KEY)]
    [entity] = red_flag_entities(message)
    assert entity["value"] == "spinal_cord"
    assert entity["extractor"] == "RedFlagDetector"
    assert text[entity["start"]:entity["end"]].lower().startswith("legs")


def test_component_overrules_the_fallback_intent(nlp, detector):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "inform", "confidence": 0.3}]
    [message] = detector.process([message_for(nlp, "I just had a fit", ranking)])
    assert message.get(INTENT)["name"] == "urgent_symptom"
    assert red_flag_entities(message)[0]["value"] == "seizure"


def test_component_trusts_diet_above_the_threshold_as_general(nlp, detector):
    text = "my back is really weird"
    confidence = red_flags.DEFAULT_DIET_THRESHOLD + 0.05
    ranking = [{"name": "urgent_symptom", "confidence": confidence}, {"name": "inform", "confidence": 0.1}]
    assert detect(doc_for(nlp, text)) is None and assess(doc_for(nlp, text)).mentions_symptom
    [message] = detector.process([message_for(nlp, text, ranking)])
    assert message.get(INTENT) == {"name": "urgent_symptom", "confidence": confidence}
    [entity] = red_flag_entities(message)
    assert (entity["value"], entity["start"], entity["end"]) == ("general", 0, len(text))


def test_component_leaves_diet_below_the_threshold_alone(nlp, detector):
    low = red_flags.DEFAULT_DIET_THRESHOLD - 0.05
    ranking = [{"name": "inform", "confidence": 1 - low}, {"name": "urgent_symptom", "confidence": low}]
    [message] = detector.process([message_for(nlp, "my back is really weird", ranking)])
    assert message.get(INTENT)["name"] == "inform"
    assert red_flag_entities(message) == []


def test_component_demotes_diet_below_the_threshold_when_urgent_is_top(nlp, detector):
    low = red_flags.DEFAULT_DIET_THRESHOLD - 0.01
    ranking = [{"name": "urgent_symptom", "confidence": low}, {"name": "inform", "confidence": 1 - low}]
    [message] = detector.process([message_for(nlp, "my back is really weird", ranking)])
    assert message.get(INTENT) == {"name": "inform", "confidence": pytest.approx(1.0)}
    assert red_flag_entities(message) == []


def test_component_demoting_keeps_a_clear_next_intent(nlp, detector):
    ranking = [{"name": "urgent_symptom", "confidence": 0.999}, {"name": "inform", "confidence": 0.0009}, {"name": "deny", "confidence": 0.0001}]
    [message] = detector.process([message_for(nlp, "high", ranking)])
    assert message.get(INTENT)["name"] == "inform"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.9)


@pytest.mark.parametrize(
    "text",
    [
        "the pain is in my pelvis", "my spine and my left femur", "getting rid of the pain",
        "easing the headaches", "I take blood thinners", "I can't do heavy stuff like gardening",
        "I get out of breath on the stairs", "I need help going to the toilet", "my legs ache after a walk",
        # round 35: a song that "came on the radio" is not a sign that came on
        "Yellow came on the radio and I sang along",
        # round 36: a cramp is not a limb sign, even at night
        "my foot cramped in the night but a stretch sorted it",
        # round 38: an idiom of fear
        "I was shaking in my boots at the appointment",
        # round 43: a title before "by" in a message about a record; a head that spins at forms
        "Shakin All Over by the Pirates was my nan's favourite record",
        "filling this in makes my head spin, so many long words",
    ],
)
def test_common_answer_words_alone_do_not_let_diet_warn(nlp, text):
    assert assess(doc_for(nlp, text)).mentions_symptom is False


@pytest.mark.parametrize(
    "text",
    ["my feet feel like cotton wool", "the pain in my back is relentless", "I'm suddenly wheezing", "I've been throwing up", "my legs feel strange all of a sudden"],
)
def test_symptom_words_let_diet_decide(nlp, text):
    assert assess(doc_for(nlp, text)).mentions_symptom is True


@pytest.mark.parametrize("text", ["high", "my hair is falling out", "nothing serious", "please help me with this form"])
def test_component_does_not_let_diet_alone_warn_when_no_symptom_is_named(nlp, detector, text):
    ranking = [
        {"name": "urgent_symptom", "confidence": 0.999},
        {"name": "inform", "confidence": 0.00035},
        {"name": "deny", "confidence": 0.00035},
        {"name": "greet", "confidence": 0.0003},
    ]
    assert assess(doc_for(nlp, text)).mentions_symptom is False
    [message] = detector.process([message_for(nlp, text, ranking)])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": intent_ranking.FALLBACK_THRESHOLD}
    assert red_flag_entities(message) == []


def test_component_lets_calm_context_overrule_diet(nlp, detector):
    ranking = [
        {"name": "urgent_symptom", "confidence": 0.9},
        {"name": "deny", "confidence": 0.08},
        {"name": "inform", "confidence": 0.02},
    ]
    [message] = detector.process([message_for(nlp, "I haven't had a fit", ranking)])
    assert message.get(INTENT)["name"] == "deny"
    assert message.get(INTENT)["confidence"] == pytest.approx(0.8)
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == "urgent_symptom"  # DIET's own ranking, untouched
    assert red_flag_entities(message) == []


def test_component_demotes_a_calm_message_to_the_next_intent(nlp, detector):
    ranking = [{"name": "urgent_symptom", "confidence": 0.95}, {"name": "inform", "confidence": 0.05}]
    [message] = detector.process([message_for(nlp, "I had a headache last week after a long day but it went away", ranking)])
    assert message.get(INTENT) == {"name": "inform", "confidence": pytest.approx(1.0)}
    assert red_flag_entities(message) == []


def test_component_demoting_skips_a_request_that_has_none_of_its_words(nlp, detector):
    # found in a newcomer's conversation: "I'm up and about, I can't work" went from
    # urgent_symptom to feeling_scared, and the answer was met with a support offer
    ranking = [
        {"name": "urgent_symptom", "confidence": 0.9},
        {"name": "feeling_scared", "confidence": 0.06},
        {"name": "inform", "confidence": 0.04},
    ]
    [message] = detector.process([message_for(nlp, "I'm up and about, I can't work", ranking)])
    assert message.get(INTENT) == {"name": "inform", "confidence": pytest.approx(1.0)}
    [scared] = detector.process([message_for(nlp, "I'm up and about but so scared", ranking)])
    assert scared.get(INTENT)["name"] == "feeling_scared"


def test_component_demotes_to_fallback_when_nothing_else_is_sure(nlp, detector):
    ranking = [
        {"name": "urgent_symptom", "confidence": 0.7},
        {"name": "nlu_fallback", "confidence": 0.4},
        {"name": "inform", "confidence": 0.1},
        {"name": "deny", "confidence": 0.1},
        {"name": "greet", "confidence": 0.1},
    ]
    [message] = detector.process([message_for(nlp, "my back feels the same as last month", ranking)])
    assert message.get(INTENT) == {"name": "nlu_fallback", "confidence": intent_ranking.FALLBACK_THRESHOLD}


def test_component_leaves_calm_messages_untouched(nlp, detector):
    message = message_for(nlp, "I had a headache last week after a long day but it went away")
    before = (dict(message.get(INTENT)), [dict(r) for r in message.get(INTENT_RANKING_KEY)])
    [message] = detector.process([message])
    assert (message.get(INTENT), message.get(INTENT_RANKING_KEY)) == before
    assert message.get(ENTITIES) == []


@pytest.mark.parametrize("text", ["/inform{\"answer\": \"yes\"}", "/urgent_symptom", "/start_questions"])
def test_component_never_touches_button_payloads(nlp, detector, text):
    ranking = [{"name": "urgent_symptom", "confidence": 0.99}]
    message = message_for(nlp, text, ranking)
    message.set(SPACY_DOCS[TEXT], doc_for(nlp, "I wet myself"))  # even if the doc said so
    [message] = detector.process([message])
    assert red_flag_entities(message) == []
    assert message.get(INTENT) == {"name": "urgent_symptom", "confidence": 0.99}


def test_component_keeps_other_entities(nlp, detector):
    message = message_for(nlp, "I'm 58 and I wet myself")
    age = {"entity": "AGE", "value": "i'm 58", "start": 0, "end": 6, "extractor": "SpacyEntityExtractor"}
    message.set(ENTITIES, [age], add_to_output=True)
    [message] = detector.process([message])
    assert age in message.get(ENTITIES)
    assert red_flag_entities(message)[0]["value"] == "spinal_cord"


def test_component_without_a_doc_still_uses_diet(nlp, detector):
    ranking = [{"name": "urgent_symptom", "confidence": 0.9}]
    [message] = detector.process([message_for(nlp, "help", ranking, with_doc=False)])
    assert red_flag_entities(message)[0]["value"] == "general"


def test_component_processes_every_message_in_a_batch(nlp, detector):
    messages = [message_for(nlp, "I feel fine most days"), message_for(nlp, "my eyes look yellow")]
    first, second = detector.process(messages)
    assert first.get(INTENT)["name"] == "inform"
    assert red_flag_entities(second)[0]["value"] == "jaundice"


def test_component_threshold_comes_from_the_config(nlp):
    strict = RedFlagDetector.create({"diet_threshold": 0.99}, None, None, None)
    ranking = [{"name": "urgent_symptom", "confidence": 0.9}]
    [message] = strict.process([message_for(nlp, "my back is really weird", ranking)])
    assert red_flag_entities(message) == []


def test_component_training_data_passes_through(detector):
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = TrainingData([Message(data={TEXT: "I wet myself", INTENT: "urgent_symptom"})])
    assert detector.process_training_data(data) is data


def test_component_is_last_in_the_config():
    import yaml

    from actions import settings

    config = yaml.safe_load((settings.PROJECT_ROOT / "config.yml").read_text())
    assert config["pipeline"][-1]["name"] == "nlp.red_flags.RedFlagDetector"


# --- the action ------------------------------------------------------------------------------


def urgent_tracker(make_tracker, kind: Optional[str], **kwargs):
    entities = [] if kind is None else [
        {"entity": "red_flag", "value": kind, "start": 0, "end": 5, "extractor": "RedFlagDetector"}
    ]
    return make_tracker(text="something urgent", intent="urgent_symptom", confidence=1.0, entities=entities, **kwargs)


@pytest.mark.parametrize("kind", red_flags.KINDS)
def test_action_gives_the_warning_for_the_kind_then_offers_to_resume(make_tracker, run_action, sent, kind):
    events, dispatcher = run_action(ActionUrgentWarning(), urgent_tracker(make_tracker, kind))
    assert sent.responses(dispatcher) == [f"utter_urgent_{kind}", "utter_urgent_resume"]
    assert events == []


@pytest.mark.parametrize("kind", [None, "not_a_kind", "resume", ""])
def test_action_falls_back_to_the_general_warning(make_tracker, run_action, sent, kind):
    events, dispatcher = run_action(ActionUrgentWarning(), urgent_tracker(make_tracker, kind))
    assert sent.responses(dispatcher) == ["utter_urgent_general", "utter_urgent_resume"]


def test_action_uses_only_warnings_the_domain_has(make_tracker, run_action, sent, domain):
    del domain["responses"]["utter_urgent_fever"]
    _, dispatcher = run_action(ActionUrgentWarning(), urgent_tracker(make_tracker, "fever"), domain)
    assert sent.responses(dispatcher) == ["utter_urgent_general", "utter_urgent_resume"]


def test_action_sends_no_text_of_its_own(make_tracker, run_action, sent):
    _, dispatcher = run_action(ActionUrgentWarning(), urgent_tracker(make_tracker, "seizure"))
    assert sent.texts(dispatcher) == []


def test_action_keeps_every_answer_mid_questions(make_tracker, run_action):
    answers = {"symptoms_affect_daily_life": "yes", "symptom_areas": ["spine"], "spread_extent": "one_area"}
    tracker = urgent_tracker(make_tracker, "spinal_cord", slots=answers, requested_slot="growth_count")
    events, _ = run_action(ActionUrgentWarning(), tracker)
    assert not [e for e in events if e.get("event") == "slot"]


def slot_events(events) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_action_keeps_a_clear_answer_typed_with_the_sign_and_says_it_back_after_the_warning(make_tracker, run_action, sent):
    tracker = make_tracker(
        text="two, and since this morning my legs have gone weak", intent="urgent_symptom", confidence=1.0,
        entities=[{"entity": "red_flag", "value": "spinal_cord", "start": 0, "end": 5}],
        slots={"symptoms_affect_daily_life": "no", "spread_extent": "one_area"}, requested_slot="growth_count",
    )
    events, dispatcher = run_action(ActionUrgentWarning(), tracker)
    assert sent.responses(dispatcher) == ["utter_urgent_spinal_cord", "utter_noted", "utter_urgent_resume"]
    # not remembered as noted: "go on" must not say it back a second time
    assert slot_events(events) == {"growth_count": "two", "answer_to_confirm": None, "answer_noted": None}


@pytest.mark.parametrize("text", [
    "I think two, and my legs have gone weak",       # hedged: asked again when the questions go on
    "not sure, and my legs have gone weak",          # not sure is not kept beside a warning
    "my legs have gone weak since this morning",     # no answer at all
])
def test_action_keeps_nothing_that_is_not_a_sure_answer(make_tracker, run_action, sent, text):
    tracker = make_tracker(
        text=text, intent="urgent_symptom", confidence=1.0,
        slots={"symptoms_affect_daily_life": "no", "spread_extent": "one_area"}, requested_slot="growth_count",
    )
    events, dispatcher = run_action(ActionUrgentWarning(), tracker)
    assert slot_events(events) == {}
    assert sent.responses(dispatcher) == ["utter_urgent_general", "utter_urgent_resume"]


def test_action_outside_the_questions_keeps_no_answer(make_tracker, run_action):
    tracker = make_tracker(text="two, and my legs have gone weak", intent="urgent_symptom", confidence=1.0,
                           requested_slot="growth_count", form_active=False)
    events, _ = run_action(ActionUrgentWarning(), tracker)
    assert slot_events(events) == {}


def test_action_reads_the_first_red_flag_entity_only(make_tracker, run_action, sent):
    entities = [
        {"entity": "BODY_SITE", "value": "spine", "start": 0, "end": 5},
        {"entity": "red_flag", "value": "breathing", "start": 0, "end": 5},
    ]
    tracker = make_tracker(text="x", intent="urgent_symptom", entities=entities)
    _, dispatcher = run_action(ActionUrgentWarning(), tracker)
    assert sent.responses(dispatcher)[0] == "utter_urgent_breathing"


def test_action_name_matches_the_domain(domain):
    assert ActionUrgentWarning().name() == "action_urgent_warning"
    assert "action_urgent_warning" in domain["actions"]


# --- the test stories say what the detector does --------------------------------------------


def story_user_turns():
    import yaml

    from actions import settings

    stories = yaml.safe_load((settings.PROJECT_ROOT / "tests" / "test_safety_stories.yml").read_text())["stories"]
    return [
        (step["user"], step["intent"])
        for story in stories
        for step in story["steps"]
        if "user" in step and not str(step["user"]).startswith("/")
    ]


@pytest.mark.parametrize("text,intent", story_user_turns())
def test_safety_story_turns_get_the_intent_the_stories_expect_from_the_detector(nlp, text, intent):
    assert (detect(doc_for(nlp, text)) is not None) == (intent == "urgent_symptom"), text


# --- the benchmark's held-out set stays held out ------------------------------------------


@pytest.fixture(scope="module")
def bench_module():
    import importlib.util

    from actions import settings

    spec = importlib.util.spec_from_file_location("bench_red_flags", settings.PROJECT_ROOT / "bench" / "red_flags.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_rounds_are_valid_big_enough_and_new_to_the_model(bench_module):
    rounds = bench_module.load_heldout(
        bench_module.DEFAULT_HELDOUT, list(red_flags.KINDS), bench_module.training_texts()
    )
    assert rounds
    for heldout_round in rounds:
        assert len(heldout_round["red_flags"]) >= 45 and len(heldout_round["calm"]) >= 45, heldout_round["name"]


def test_bench_refuses_an_item_that_is_a_training_example(bench_module, tmp_path):
    heldout = tmp_path / "heldout.yml"
    heldout.write_text(
        "rounds:\n  - name: r\n    seen: false\n    red_flags:\n      - text: I wet myself\n        kind: spinal_cord\n"
        "    calm:\n      - text: my back is fine\n"
    )
    with pytest.raises(bench_module.HeldoutError, match="training example"):
        bench_module.load_heldout(heldout, list(red_flags.KINDS), {"i wet myself": "urgent_symptom"})


def test_bench_refuses_an_unknown_kind_and_a_repeated_item(bench_module, tmp_path):
    heldout = tmp_path / "heldout.yml"
    heldout.write_text(
        "rounds:\n  - name: r\n    seen: false\n    red_flags:\n      - text: my legs went numb\n        kind: legs\n"
        "    calm:\n      - text: My legs went numb\n"
    )
    with pytest.raises(bench_module.HeldoutError) as refused:
        bench_module.load_heldout(heldout, list(red_flags.KINDS), {})
    assert "is not one of" in str(refused.value) and "already in" in str(refused.value)


def test_unit_test_phrasings_are_not_in_the_bench(bench_module):
    rounds = bench_module.load_heldout(bench_module.DEFAULT_HELDOUT, list(red_flags.KINDS), {})
    bench_texts = {bench_module.normalise(i["text"]) for r in rounds for s in ("red_flags", "calm") for i in r[s]}
    ours = {bench_module.normalise(t) for _, t in RED_FLAG_CASES} | {bench_module.normalise(t) for t in CALM}
    assert not ours & bench_texts


def test_bench_scores_each_kind_of_sign_and_each_reason_a_look_alike_is_calm(bench_module):
    heldout_round = {
        "name": "r", "seen": False,
        "red_flags": [{"text": "a", "kind": "fever"}, {"text": "b", "kind": "fever"}, {"text": "c", "kind": "seizure"}],
        "calm": [{"text": "d", "reason": "idiom"}, {"text": "e", "reason": "idiom"}, {"text": "f"}],
    }
    warned = {"a": True, "b": False, "c": True, "d": True, "e": False, "f": False}
    parsed = {t: {"warned": w, "kind": "fever" if w else None, "intent": "x", "confidence": 1.0} for t, w in warned.items()}
    readings = {t: {"rule_kind": None, "rule_notes": []} for t in warned}

    scored = bench_module.score(heldout_round, parsed, readings)

    assert scored["by_kind"] == {"fever": {"warned": 1, "total": 2}, "seizure": {"warned": 1, "total": 1}}
    assert scored["by_reason"] == {"idiom": {"warned": 1, "total": 2}, "not given": {"warned": 0, "total": 1}}
