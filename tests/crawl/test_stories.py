"""Story dedupe: the same story under another URL or on another outlet is one story."""

from __future__ import annotations

import threading
import time

import redis

from atalaia.redis_keys import Keys
from crawler.dedupe.stories import StoryIndex, signature_of, similarity

WIRE = (
    "O governo federal anunciou nesta quinta-feira um pacote de medidas para conter a alta "
    "dos preços dos alimentos. Segundo o ministro da Fazenda, as ações incluem a redução de "
    "tarifas de importação de itens como carne, café e azeite, além de estímulos à produção "
    "agrícola familiar. A expectativa é que o impacto apareça nos índices de inflação dos "
    "próximos meses. Economistas ouvidos pela reportagem avaliam que o efeito será limitado, "
    "já que boa parte da alta decorre de fatores climáticos e do câmbio. O presidente deve "
    "assinar os decretos na próxima semana, em cerimônia no Palácio do Planalto, com a "
    "presença de representantes do setor produtivo e de movimentos sociais do campo."
)


def test_small_edits_keep_the_signatures_similar() -> None:
    edited = (
        "Da Agência Brasil. "
        + WIRE.replace("nesta quinta-feira", "na quinta (27)")
        + (" Com informações da Agência Brasil.")
    )
    same = similarity(signature_of("", WIRE), signature_of("", edited))
    other = similarity(signature_of("", WIRE), signature_of("", " ".join(WIRE.split()[::-1])))
    assert same >= 0.7
    assert other < 0.2


def test_wire_copy_on_two_outlets_is_one_story_with_also_in(
    redis_client: redis.Redis, keys: Keys
) -> None:
    index = StoryIndex(redis_client, keys, ttl=86400)
    now = time.time()
    first = index.register(
        "s1", "agencia-brasil", "https://ab/1", signature_of("Governo anuncia", WIRE), now
    )
    copy_text = WIRE + " Com informações da Agência Brasil."
    copy_signature = signature_of("Governo lança pacote contra alta dos alimentos", copy_text)
    copy = index.register("s2", "terra", "https://terra/1", copy_signature, now)
    again = index.register("s3", "agencia-brasil", "https://ab/1?amp", signature_of("x", WIRE), now)
    assert first.new and not copy.new and not again.new
    assert copy.story_id == again.story_id == "s1"
    assert (copy.first_outlet, copy.first_url) == ("agencia-brasil", "https://ab/1")
    assert index.also_in("s1") == [{"outlet": "terra", "url": "https://terra/1"}]


def test_different_stories_stay_apart(redis_client: redis.Redis, keys: Keys) -> None:
    index = StoryIndex(redis_client, keys, ttl=86400)
    now = time.time()
    other = (
        "A seleção brasileira venceu a Argentina por dois a zero no estádio do Maracanã, "
        "em partida válida pelas eliminatórias da Copa do Mundo. Os gols foram marcados no "
        "segundo tempo, depois de uma primeira etapa equilibrada e com poucas chances. O "
        "técnico elogiou a postura defensiva e disse que o time ainda pode melhorar muito."
    ) * 2
    assert index.register("a", "g1", "https://g1/a", signature_of("t", WIRE), now).new
    assert index.register("b", "g1", "https://g1/b", signature_of("t", other), now).new


def test_short_texts_only_match_exact_copies(redis_client: redis.Redis, keys: Keys) -> None:
    index = StoryIndex(redis_client, keys, ttl=86400)
    now = time.time()
    assert index.register(
        "v1", "uol", "https://uol/v1", signature_of("Vídeo: capotamento", "Assista."), now
    ).new
    assert index.register(
        "v2", "uol", "https://uol/v2", signature_of("Vídeo: enchente", "Assista."), now
    ).new
    copy = index.register(
        "v3", "terra", "https://terra/v", signature_of("Vídeo: enchente", "Assista."), now
    )
    assert copy.story_id == "v2"


def test_two_crawlers_registering_the_same_copy_at_once_make_one_story(
    redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    verdicts = []
    barrier = threading.Barrier(8)

    def register(n: int) -> None:
        index = StoryIndex(redis.Redis.from_url(redis_url), keys, ttl=86400)
        barrier.wait()
        verdicts.append(
            index.register(
                f"s{n}", f"outlet{n}", f"https://o{n}/x", signature_of("t", WIRE), time.time()
            )
        )

    threads = [threading.Thread(target=register, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(v.new for v in verdicts) == 1
    assert len({v.story_id for v in verdicts}) == 1
    winner = next(v for v in verdicts if v.new)
    index = StoryIndex(redis_client, keys, ttl=86400)
    assert len(index.also_in(winner.story_id)) == 7
