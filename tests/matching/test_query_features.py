"""Every query feature, matching and not, with the traps Portuguese text sets."""

from __future__ import annotations

import pytest

from tests.matching.helpers import match_query, match_terms


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # Whole words, whatever the case and accents.
        ("Rússia", "A Rússia respondeu.", True),
        ("Rússia", "A RÚSSIA respondeu.", True),
        ("Rússia", "a russia respondeu", True),
        ("russia", "A Rússia respondeu.", True),
        ("Rússia", "A Ru\u0301ssia respondeu.", True),  # decomposed accent (NFD)
        ("Rússia", "A R&uacute;ssia respondeu.", True),  # HTML entity
        ("Rússia", "A Bielorrússia respondeu.", False),
        ("Rússia", "Os russos responderam.", False),
        ("Rússia", "A Rússia-Ucrânia, guerra", True),
        ("Ação", "A ACAO foi julgada", True),
        ("ação", "as ações foram julgadas", False),
        # Old and variant spellings: accents fold, other letters do not.
        ("Coreia", "A Coréia do Norte", True),
        ("Coréia", "A Coreia do Norte", True),
        ("Coreia", "La Corea del Norte", False),
        ("Coreia OR Corea", "La Corea del Norte", True),
        ("Irã", "O Irão respondeu", False),
        ("Irã OR Irão", "O Irão respondeu", True),
        ("Moçambique", "MOCAMBIQUE", True),
        # Phrases: hyphens, dashes, apostrophes, spaces and punctuation are alike.
        ('"Kim Jong-un"', "Kim Jong-un visitou", True),
        ('"Kim Jong-un"', "Kim Jong Un visitou", True),
        ('"Kim Jong-un"', "KIM JONG-UN VISITOU", True),
        ('"Kim Jong-un"', "Kim Jong\u2011un visitou", True),  # non-breaking hyphen
        ('"Kim Jong-un"', "Kim–Jong–un visitou", True),  # en dash
        ('"Kim Jong-un"', "Kim\u00a0Jong-un visitou", True),  # no-break space
        ('"Kim Jong-un"', "Kim Jongun visitou", False),
        ('"Kim Jong-un"', "Kim Jong-il visitou", False),
        ('"Coreia do Norte"', "a Coreia\u00a0do\u00a0Norte", True),
        ('"Coreia do Norte"', "a Coreia,\n do Norte", True),
        ('"Coreia do Norte"', "a Coreia do Sul e o Norte", False),
        ('"Norte Coreia"', "a Coreia do Norte", False),
        ('"Joana d’Ávila"', "Joana D'Avila disse", True),
        ("“Coreia do Norte”", "a Coreia do Norte", True),  # curly quotes
        ("«Coreia do Norte»", "a Coreia do Norte", True),  # guillemets
        ("Guiné-Bissau", "Guiné Bissau", True),
        ("Guiné-Bissau", "Guiné-Conacri e Bissau", False),
        # Prefixes: the start of a word only.
        ("russ*", "Os russos responderam", True),
        ("russ*", "A Rússia respondeu", True),
        ("russ*", "RUSSAS", True),
        ("russ*", "A Bielorrússia respondeu", False),
        ("russ*", "um prussiano", False),
        ("russ*", "o rus", False),
        ('"Coreia do Nort*"', "a Coreia do Norte", True),
        ('"Coreia do Nort*"', "a Coreia do Sul", False),
        # AND, implicit AND, OR, NOT, -term.
        ("Rússia AND Ucrânia", "Rússia e Ucrânia", True),
        ("Rússia AND Ucrânia", "só a Rússia", False),
        ("Rússia Ucrânia", "Ucrânia e Rússia", True),
        ("Rússia Ucrânia", "só a Ucrânia", False),
        ("Rússia OR Ucrânia", "só a Ucrânia", True),
        ("Rússia OR Ucrânia", "só a Polônia", False),
        ("Rússia NOT Bielorrússia", "Rússia e Bielorrússia", False),
        ("Rússia NOT Bielorrússia", "só a Rússia", True),
        ("Rússia -Bielorrússia", "Rússia e Bielorrússia", False),
        ("Rússia -Bielorrússia", "só a Rússia", True),
        ('Coreia -"Coreia do Sul"', "Coreia do Sul", False),
        ('Coreia -"Coreia do Sul"', "Coreia do Norte e Coreia do Sul", False),
        ('Coreia -"Coreia do Sul"', "Coreia do Norte", True),
        ("rússia and ucrânia", "Rússia e Ucrânia", False),  # lower case: words, not operators
        ("rússia and ucrânia", "Rússia and Ucrânia", True),
        # Precedence: NOT, then NEAR, then AND, then OR.
        ("Lula OR Bolsonaro Trump", "Lula", True),
        ("Lula OR Bolsonaro Trump", "Bolsonaro", False),
        ("Lula OR Bolsonaro Trump", "Bolsonaro e Trump", True),
        ("(Lula OR Bolsonaro) Trump", "Lula", False),
        ("NOT Lula Trump", "Lula e Trump", False),
        ("NOT Lula Trump", "Trump", True),
        # Nested parentheses.
        ("((Rússia OR Ucrânia) AND (Putin OR (Zelensky -Trump)))", "Ucrânia e Zelensky", True),
        (
            "((Rússia OR Ucrânia) AND (Putin OR (Zelensky -Trump)))",
            "Ucrânia, Zelensky, Trump",
            False,
        ),
        ("((Rússia OR Ucrânia) AND (Putin OR (Zelensky -Trump)))", "Ucrânia, Putin, Trump", True),
        # NOT-only queries match what does not mention the term.
        ("NOT futebol", "eleições municipais", True),
        ("NOT futebol", "o futebol brasileiro", False),
        ("-futebol", "eleições municipais", True),
        ("-futebol -samba", "o samba", False),
        ("NOT (futebol OR samba)", "o carnaval", True),
        ("NOT NOT futebol", "o futebol", True),
    ],
)
def test_query_on_body(query: str, text: str, expected: bool) -> None:
    assert match_query(query, body=text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Putin NEAR/2 Kim", "Putin e o Kim", True),  # two words between: the boundary
        ("Putin NEAR/1 Kim", "Putin e o Kim", False),
        ("Putin NEAR/2 Kim", "Kim e o Putin", True),  # either order
        ("Putin NEAR/1 Kim", "Kim e o Putin", False),
        ("Putin NEAR/0 Kim", "Putin Kim", True),
        ("Putin NEAR/0 Kim", "Putin, Kim", True),  # punctuation is not a word
        ("Putin NEAR/0 Kim", "Putin e Kim", False),
        ('Putin NEAR/3 "Kim Jong-un"', "Putin recebeu ontem o Kim Jong Un", True),
        ('Putin NEAR/2 "Kim Jong-un"', "Putin recebeu ontem o Kim Jong Un", False),
        ('"Coreia do Norte" NEAR/5 "Rússia"', "a Rússia e a Coreia do Norte", True),
        ("russ* NEAR/2 Coreia", "tropas russas na Coreia", True),
        ("(Putin OR Lavrov) NEAR/1 Kim", "Lavrov e Kim", True),
        ("(Putin OR Lavrov) NEAR/1 Kim", "Lavrov, Putin, e Kim e Lavrov", True),
        ("Putin NEAR/3 Kim", "Putin falou. Depois, muito depois, Kim", False),
        ("Putin NEAR/2 Kim NEAR/2 Xi", "Putin, Kim e Xi", True),
        ("Putin NEAR/2 Kim NEAR/2 Xi", "Putin, Kim e então o Xi", False),
        ('"Coreia do Norte" NEAR/3 Norte', "a Coreia do Norte", False),  # overlap is not near
        ("Rússia NEAR/3 russ*", "a Rússia", False),  # one word cannot be both sides
        ("Rússia NEAR/3 russ*", "a Rússia e os russos", True),
    ],
)
def test_near(query: str, text: str, expected: bool) -> None:
    assert match_query(query, body=text) is expected


def test_near_does_not_reach_across_fields() -> None:
    assert not match_query("Putin NEAR/5 Kim", title="Fala de Putin", lead="Kim responde")
    assert match_query("Putin NEAR/5 Kim", title="Fala de Putin", lead="Putin e Kim")


@pytest.mark.parametrize(
    ("query", "title", "lead", "body", "expected"),
    [
        ("title:Rússia", "Rússia ataca", "", "", True),
        ("title:Rússia", "Ucrânia resiste", "A Rússia ataca", "A Rússia ataca", False),
        ("lead:Rússia", "", "A Rússia ataca", "", True),
        ("lead:Rússia", "Rússia", "", "Rússia", False),
        ("body:Rússia", "", "", "A Rússia ataca", True),
        ("body:Rússia", "Rússia", "Rússia", "", False),
        ('title:"Coreia do Norte"', "Coreia do Norte testa míssil", "", "", True),
        ('title:"Coreia do Norte"', "Coreia testa míssil", "", "Coreia do Norte", False),
        ("title:russ*", "Tropas russas avançam", "", "", True),
        ("title:russ*", "Tropas avançam", "", "Tropas russas", False),
        ("title:(Pyongyang OR Seul)", "Seul responde", "", "", True),
        ("title:(Pyongyang OR Seul)", "Tóquio responde", "", "Seul responde", False),
        ("title:(Kim -Putin)", "Kim fala", "", "Putin", True),
        ("title:(Kim -Putin)", "Kim e Putin", "", "", False),
        ("title:Kim body:Putin", "Kim fala", "", "com Putin", True),
        ("title:Kim body:Putin", "Kim fala", "com Putin", "", False),
        ("-title:futebol Rússia", "Rússia", "", "", True),
        ("-title:futebol Rússia", "futebol na Rússia", "", "", False),
        ("-title:futebol Rússia", "Rússia", "", "futebol", True),
        ("TITLE:Rússia", "Rússia ataca", "", "", True),
        ("Rússia", "Rússia", "", "", True),  # no field: anywhere
        ("Rússia", "", "Rússia", "", True),
        ("title:(Putin NEAR/1 Kim)", "Putin e Kim", "", "", True),
        ("title:(Putin NEAR/1 Kim)", "Putin", "", "Putin e Kim", False),
    ],
)
def test_fields(query: str, title: str, lead: str, body: str, expected: bool) -> None:
    assert match_query(query, body=body, title=title, lead=lead) is expected


def test_a_phrase_entry_in_terms_needs_no_quotes() -> None:
    assert match_terms(("Coreia do Norte",), body="a Coreia do Norte")
    assert not match_terms(("Coreia do Norte",), body="a Coreia e o Norte")
    # Read as a query, it would have been three words anywhere in the text.
    assert not match_terms(("Coreia do Norte",), body="Coreia do Sul, ao norte")


def test_terms_match_when_any_does_and_report_each_hit() -> None:
    [match] = match_terms(
        ("Coreia do Norte", "Rússia", "Kim Jong-un"),
        title="Putin recebe Kim Jong Un",
        body="A Rússia e a Coreia do Norte assinaram um tratado.",
    )
    assert [(hit.term, hit.field) for hit in match.hits] == [
        ("Kim Jong-un", "title"),
        ("Rússia", "body"),
        ("Coreia do Norte", "body"),
    ]
    assert not match_terms(("Coreia do Norte", "Rússia"), body="A China e o Japão.")


def test_a_term_may_be_a_query() -> None:
    terms = ("Rússia -Bielorrússia", "title:Kim")
    assert match_terms(terms, title="Kim fala", body="Bielorrússia e Rússia")
    assert not match_terms(terms, lead="Kim fala", body="Bielorrússia e Rússia")


def test_exclusions() -> None:
    text = "A Rússia e a Bielorrússia fizeram exercícios."
    assert not match_terms(("Rússia",), body=text, exclude=("Bielorrússia",))
    assert match_terms(("Rússia",), body=text, exclude=("Belarus",))
    assert not match_terms(("Rússia",), body=text, exclude=("Belarus", "exercício*"))
    assert not match_terms(("Rússia",), title="Rússia", exclude=("title:Rússia",))
    assert match_terms(("Rússia",), title="Rússia", exclude=("body:Rússia",))
    assert not match_terms(("Rússia",), body="Copa na Rússia", exclude=("Copa do Mundo", "Copa"))
    # An exclusion phrase must appear as a phrase.
    assert match_terms(("Rússia",), body="Copa na Rússia, mundo", exclude=("Copa do Mundo",))


def test_not_only_terms_are_evaluated_for_every_article() -> None:
    assert match_terms(("NOT futebol",), body="eleições")
    assert match_terms(("-futebol", "Rússia"), body="futebol na Rússia")
    assert not match_terms(("-futebol",), body="futebol na Rússia")
    assert match_terms(("NOT futebol",), body="")  # even an empty article


def test_outlet_filter() -> None:
    assert match_terms(("Rússia",), body="Rússia", outlets=("g1", "r7"), outlet="r7")
    assert not match_terms(("Rússia",), body="Rússia", outlets=("g1", "r7"), outlet="folha")
    assert not match_terms(("NOT futebol",), body="x", outlets=("g1",), outlet="folha")
