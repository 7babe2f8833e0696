from scoring.text import normalize, sentences, split_sentences


def test_split_keeps_abbreviations_and_initials():
    block = "Dr. Jane Roe, M.D. leads our team. J. Smith, RN, monitors you. Call us!"
    assert split_sentences(block) == [
        "Dr. Jane Roe, M.D. leads our team.", "J. Smith, RN, monitors you.", "Call us!"]


def test_blocks_are_sentence_boundaries():
    assert [s.text for s in sentences("Our Team\nMeet the doctors")] == ["Our Team", "Meet the doctors"]


def test_faq_question_answered_no_becomes_a_statement():
    merged = [s for s in sentences("Do I need a referral?\nNo.") if not s.question and s.text != "No."]
    assert merged[0].text == "You do not need a referral."
    assert merged[0].snippet == "Do I need a referral? No."


def test_an_accordion_sign_after_a_question_keeps_it_a_question():
    # A blind test site's FAQ buttons read "Do I need a referral?+" (the sign that opens the answer).
    found = sentences("Do I need a referral or an evaluation?+\nNo.\nIs ketamine safe? \u25be\nYes.")
    assert [s.text for s in found if s.question] == ["Do I need a referral or an evaluation?", "Is ketamine safe?"]
    assert "You do not need a referral or an evaluation." in [s.text for s in found]


def test_a_time_stamp_glued_to_a_question_keeps_it_a_question():
    # Real set BQ: a WordPress theme's hidden markup puts the answer's date right after the "?".
    found = sentences("Can you guarantee that this will work for me?2019-04-03T22:58:33-05:00\nNo.")
    assert [s.text for s in found if s.question] == ["Can you guarantee that this will work for me?"]


def test_bullets_run_together_on_one_line_are_statements_of_their_own():
    # Real set BT: a list's items joined by "•" in one line of text.
    texts = [s.text for s in sentences("During the Infusion \u2022 An IV line will be placed \u2022 You will be "
                                       "monitored for heart rate \u2022 A nurse will be nearby")]
    assert texts == ["During the Infusion", "An IV line will be placed", "You will be monitored for heart rate",
                     "A nurse will be nearby"]


def test_be_question_answered_yes():
    texts = [s.text for s in sentences("Is ketamine FDA approved for depression?\nYes.")]
    assert "ketamine is FDA approved for depression." in texts


def test_a_hedged_answer_is_not_merged():
    texts = [s.text for s in sentences("Is ketamine FDA approved?\nYes, but only as an anesthetic.")]
    assert texts == ["Is ketamine FDA approved?", "Yes, but only as an anesthetic."]


def test_normalize_folds_quotes_and_spaces():
    assert normalize("it\u2019s\u00a0\u201cfine\u201d") == 'it\'s "fine"'


def test_short_answers_to_faq_questions_of_every_shape():
    # Round 11 of blind test websites: accordion signs before the question, the asker's "my" said
    # back as "your", a "you" that is the clinic, modal verbs kept, "the same" and "there is".
    pairs = {
        ("+Is ketamine addictive?", "No."): "ketamine is not addictive.",
        ("Will you check my blood pressure?", "Yes, throughout."): "We will check your blood pressure.",
        ("Can ketamine raise my blood pressure?", "Yes, for a short time."): "ketamine can raise your blood pressure.",
        ("Is the dose the same for everyone?", "No."): "the dose is not the same for everyone.",
        ("Is there an evaluation before I start?", "Yes, always."): "there is an evaluation before you start.",
        ("Can you get addicted to ketamine?", "Not at all."): "You can not get addicted to ketamine.",
        ("Will I have side effects?", "No."): "You will have no side effects.",
        ("Does the effect last forever?", "No."): "the effect does not last forever.",
    }
    for (question, answer), statement in pairs.items():
        assert statement in [s.text for s in sentences(f"{question}\n{answer}")]
