"""Portuguese news text, generated deterministically from a seed.

A story is a topic plus facts (people, places, numbers) drawn once; headline
variants, lead and body sentences are templates filled from those facts, so
that the copies of one story differ only where an editor would change them.
Only the international topics mention the watchlist terms ("Coreia do Norte",
"Kim Jong-un", "Rússia"; "Bielorrússia" alone in its own topic); boilerplate and
other topics never do. Every character is in ISO-8859-1, so any page can be
served in that encoding.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime

FIRST_BR = (
    "Ana", "Bruno", "Camila", "Daniel", "Eduardo", "Fernanda", "Gabriel", "Helena", "Igor",
    "Juliana", "Leonardo", "Mariana", "Natália", "Otávio", "Patrícia", "Rafael", "Sérgio",
    "Tatiana", "Vinícius", "Larissa", "Márcio", "Luíza", "João", "Cecília", "Antônio",
)  # fmt: skip
LAST_BR = (
    "Souza", "Oliveira", "Santos", "Lima", "Carvalho", "Ribeiro", "Almeida", "Gonçalves",
    "Araújo", "Barbosa", "Cavalcanti", "Moreira", "Teixeira", "Nogueira", "Azevedo", "Brandão",
    "Figueiredo", "Magalhães", "Queiroz", "Sampaio",
)  # fmt: skip
FIRST_PT = (
    "Ana", "Tiago", "Inês", "Duarte", "Beatriz", "Gonçalo", "Leonor", "Rui", "Sofia", "Nuno",
    "Catarina", "Afonso", "Matilde", "Vasco", "Joana", "Miguel", "Rita", "Francisco",
)  # fmt: skip
LAST_PT = (
    "Ferreira", "Pereira", "Rodrigues", "Martins", "Sousa", "Fernandes", "Gomes", "Lopes",
    "Marques", "Pinto", "Coelho", "Cardoso", "Teixeira", "Moura", "Antunes", "Tavares",
)  # fmt: skip
CITIES_BR = (
    ("São Paulo", "SP"), ("Campinas", "SP"), ("Ribeirão Preto", "SP"), ("Rio de Janeiro", "RJ"),
    ("Niterói", "RJ"), ("Belo Horizonte", "MG"), ("Uberlândia", "MG"), ("Salvador", "BA"),
    ("Feira de Santana", "BA"), ("Recife", "PE"), ("Fortaleza", "CE"), ("Belém", "PA"),
    ("Manaus", "AM"), ("Porto Alegre", "RS"), ("Florianópolis", "SC"), ("Curitiba", "PR"),
    ("Goiânia", "GO"), ("Cuiabá", "MT"), ("Teresina", "PI"), ("São Luís", "MA"),
    ("Maceió", "AL"), ("João Pessoa", "PB"), ("Natal", "RN"), ("Vitória", "ES"),
    ("Porto Velho", "RO"), ("Macapá", "AP"), ("Aracaju", "SE"), ("Brasília", "DF"),
)  # fmt: skip
CITIES_PT = (
    ("Lisboa", "Lisboa"), ("Porto", "Porto"), ("Braga", "Braga"), ("Coimbra", "Coimbra"),
    ("Faro", "Faro"), ("Aveiro", "Aveiro"), ("Évora", "Évora"), ("Setúbal", "Setúbal"),
    ("Viseu", "Viseu"), ("Funchal", "Madeira"), ("Ponta Delgada", "Açores"), ("Guimarães", "Braga"),
)  # fmt: skip
WEEKDAYS = ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira",
            "sábado", "domingo")  # fmt: skip
MONTHS = ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
          "setembro", "outubro", "novembro", "dezembro")  # fmt: skip

PT_PT_WORDS = {
    "ônibus": "autocarro", "equipe": "equipa", "time": "equipa", "técnico": "treinador",
    "Moscou": "Moscovo", "econômica": "económica", "econômico": "económico",
    "registrou": "registou", "registrado": "registado", "registrados": "registados",
    "fato": "facto", "prefeitura": "câmara municipal", "Prefeitura": "Câmara Municipal",
    "prefeito": "presidente da câmara", "celular": "telemóvel", "usuários": "utilizadores",
    "gol": "golo", "gols": "golos", "trem": "comboio", "contato": "contacto",
    "estádio": "estádio", "torcedores": "adeptos", "torcida": "claque", "polícia": "PSP",
    "Polícia Militar": "PSP", "Polícia Civil": "Polícia Judiciária", "academia": "ginásio",
    "Nesta": "Esta", "nesta": "esta", "neste": "este", "Neste": "Este", "vacinação": "vacinação",
    "Antônio": "António", "acadêmico": "académico", "gerenciamento": "gestão",
}  # fmt: skip
_PT_PT_RE = re.compile(r"\b(" + "|".join(map(re.escape, PT_PT_WORDS)) + r")\b")


def to_pt_pt(text: str) -> str:
    """Turn Brazilian wording into European Portuguese where the two differ in our templates."""
    return _PT_PT_RE.sub(lambda m: PT_PT_WORDS[m.group(1)], text)


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    section: str
    slug: str
    headlines: tuple[str, ...]
    leads: tuple[str, ...]
    sentences: tuple[str, ...]
    tags: tuple[str, ...] = ()


TOPICS: dict[str, Topic] = {
    t.key: t
    for t in (
        Topic(
            "politica", "Política", "politica",
            ("{casa} aprova {projeto} por {v1} votos a {v2}",
             "Por {v1} a {v2}, {casa} aprova {projeto}; texto segue para sanção",
             "{casa} conclui votação e aprova {projeto} com {v1} votos"),
            ("Proposta relatada por {pessoa} ({partido}) foi votada {quando} depois de semanas de "
             "negociação com os líderes partidários.",),
            ("O relator, {pessoa}, afirmou que o texto final incorporou sugestões de {n3} emendas.",
             "Segundo {pessoa2}, líder do {partido}, a votação foi antecipada a pedido do governo.",
             "A oposição tentou adiar a análise, mas o requerimento foi rejeitado em plenário.",
             "Técnicos da {casa} estimam um impacto de {dinheiro} nas contas públicas em {ano}.",
             "Entidades da sociedade civil acompanharam a sessão das galerias do plenário.",
             "O presidente da comissão especial, {pessoa3}, disse que o acordo foi possível após "
             "{n3} reuniões com representantes dos estados.",
             "Parlamentares de {cidade} apresentaram destaques que ainda serão analisados.",
             "Em nota, o {partido} afirmou que vai recorrer ao Supremo Tribunal Federal.",
             "A expectativa é que a regulamentação seja publicada em até {n4} dias."),
            ("Congresso", "Votação"),
        ),
        Topic(
            "economia", "Economia", "economia",
            ("{indicador} sobe {pct}% em {cidade} em {mes} e supera previsão do mercado",
             "{indicador} avança {pct}% em {cidade}, acima do esperado por analistas",
             "Alta de {pct}% no {indicador} em {cidade} surpreende economistas"),
            ("Resultado divulgado {quando} pelo {instituto} ficou acima da mediana das projeções "
             "colhidas com {n3} consultorias.",),
            ("Para {pessoa}, economista-chefe do banco {banco}, o dado reforça a cautela do Banco "
             "Central.",
             "O grupo de alimentos e bebidas respondeu pela maior parte da variação no período.",
             "Em {cidade}, a alta foi de {pct2}%, a maior entre as regiões pesquisadas.",
             "No acumulado de doze meses, o indicador chegou a {pct3}%.",
             "A equipe econômica avalia que o efeito deve se dissipar ao longo do semestre.",
             "Comerciantes de {cidade} relatam queda de {pct2}% no movimento das lojas.",
             "O próximo levantamento do {instituto} está previsto para o dia {n5}.",
             "Segundo {pessoa2}, professor de economia, os juros altos ainda pesam sobre o "
             "crédito."),
            ("Inflação", "Mercado"),
        ),
        Topic(
            "coreia", "Internacional", "internacional",
            ("Coreia do Norte dispara {n1} mísseis {missil} e Kim Jong-un promete novos testes",
             "Kim Jong-un acompanha lançamento de {n1} mísseis {missil} da Coreia do Norte",
             "Pyongyang lança {n1} mísseis {missil}; Seul e Tóquio condenam a Coreia do Norte"),
            ("Os projéteis caíram no mar do Japão, segundo o Estado-Maior sul-coreano, que "
             "classificou a ação como provocação.",),
            ("A agência estatal KCNA afirmou que Kim Jong-un supervisionou pessoalmente o teste.",
             "O governo da Coreia do Norte disse que os lançamentos respondem a exercícios "
             "militares de Washington e Seul.",
             "Analistas ouvidos pela reportagem apontam a aproximação militar entre Pyongyang e a "
             "Rússia como pano de fundo.",
             "Segundo {pessoa}, pesquisador de relações internacionais, o regime busca "
             "visibilidade antes de negociações.",
             "O Conselho de Segurança da ONU deve discutir o caso nos próximos {n4} dias.",
             "Especialistas estimam que o alcance dos mísseis chegue a {n6} quilômetros.",
             "O Japão emitiu alertas para embarcações na região por cerca de {n3} horas."),
            ("Coreia do Norte", "Ásia"),
        ),
        Topic(
            "russia", "Internacional", "internacional",
            ("Rússia anuncia novas sanções contra {n9} empresas {origem}",
             "Kremlin responde à Europa e Rússia mira {n9} empresas {origem} com sanções",
             "Em retaliação, Rússia impõe sanções a {n9} companhias {origem}"),
            ("A medida, anunciada {quando} em Moscou, amplia a lista de restrições adotadas desde "
             "o início da guerra na Ucrânia.",),
            ("O porta-voz do Kremlin afirmou que a Rússia não aceitará pressões externas.",
             "Diplomatas europeus em Moscou foram convocados para explicações, segundo a agência "
             "estatal.",
             "Segundo {pessoa}, professor de relações internacionais, a escalada tende a "
             "encarecer a energia no continente.",
             "As empresas afetadas atuam nos setores de energia, transporte e tecnologia.",
             "A União Europeia prepara um novo pacote de medidas, o {n4}º desde 2022.",
             "Exportadores brasileiros acompanham o caso, já que a Rússia é grande fornecedora de "
             "fertilizantes.",
             "O comércio bilateral caiu {pct}% no último ano, segundo dados oficiais."),
            ("Rússia", "Europa"),
        ),
        Topic(
            "bielorrussia", "Internacional", "internacional",
            ("Bielorrússia liberta {n9} presos políticos após pressão europeia",
             "Lukashenko perdoa {n9} opositores presos na Bielorrússia",
             "Minsk solta {n9} presos políticos; oposição da Bielorrússia pede mais"),
            ("A libertação foi anunciada {quando} em Minsk e acompanhada por diplomatas da União "
             "Europeia e da Lituânia.",),
            ("Organizações de direitos humanos estimam que mais de {n6} pessoas sigam detidas no "
             "país.",
             "Líderes da oposição no exílio, em Vilnius, classificaram o gesto como insuficiente.",
             "Segundo {pessoa}, pesquisador de Leste Europeu, Lukashenko busca aliviar sanções.",
             "Entre os libertados estão jornalistas e ativistas presos após as eleições de 2020.",
             "O governo de Minsk não comentou os critérios usados na escolha dos nomes.",
             "A Lituânia informou que recebeu {n3} dos libertados na fronteira."),
            ("Bielorrússia", "Europa"),
        ),
        Topic(
            "esportes", "Esportes", "esportes",
            ("{clube} vence o {clube2} por {n7} a {n8} e assume a liderança",
             "Com gol no fim, {clube} bate o {clube2} por {n7} a {n8}",
             "{clube} derrota o {clube2} ({n7} a {n8}) e dorme na ponta da tabela"),
            ("A partida, disputada {quando} em {cidade}, teve {n6} torcedores presentes no "
             "estádio.",),
            ("O técnico {pessoa} elogiou a entrega do time depois do apito final.",
             "O atacante {pessoa2} marcou seu {n4}º gol na temporada.",
             "O {clube2} reclamou de um pênalti não marcado no primeiro tempo.",
             "A renda da partida foi de {dinheiro}, segundo o boletim financeiro.",
             "O próximo compromisso do {clube} será fora de casa, no sábado.",
             "A diretoria do {clube2} deve anunciar mudanças no elenco nesta semana."),
            ("Futebol", "Campeonato"),
        ),
        Topic(
            "saude", "Saúde", "saude",
            ("{cidade} amplia vacinação e abre {n1} novos postos",
             "Vacinação é ampliada em {cidade} com {n1} novos postos",
             "Com {n1} novos postos, {cidade} reforça campanha de vacinação"),
            ("A secretaria municipal de saúde informou {quando} que a meta é imunizar {n6} pessoas "
             "até o fim do mês.",),
            ("Segundo a secretária {pessoa}, a procura aumentou {pct}% na última semana.",
             "Os postos funcionam das 8h às 17h, inclusive aos sábados.",
             "O Ministério da Saúde enviou {n6} doses adicionais ao estado.",
             "Para {pessoa2}, infectologista, a adesão ainda está abaixo do ideal.",
             "Casos de dengue registrados em {cidade} caíram {pct2}% em relação ao ano anterior.",
             "É preciso levar documento com foto e a caderneta de vacinação."),
            ("Saúde", "Vacinação"),
        ),
        Topic(
            "cidades", "Cidades", "cidades",
            ("Chuva forte provoca alagamentos em {n1} bairros de {cidade}",
             "Temporal deixa {n1} bairros alagados em {cidade}",
             "Defesa Civil registra alagamentos em {n1} bairros após chuva em {cidade}"),
            ("Em poucas horas choveu {mm} milímetros, segundo a Defesa Civil, que emitiu alerta "
             "{quando}.",),
            ("Moradores relataram água na altura dos joelhos em ruas do centro.",
             "A prefeitura informou que {n3} famílias foram levadas para abrigos.",
             "Segundo {pessoa}, coordenador da Defesa Civil, novas pancadas são esperadas.",
             "Linhas de ônibus foram desviadas e o trânsito ficou lento por horas.",
             "O Corpo de Bombeiros atendeu {n4} ocorrências de queda de árvores.",
             "A comerciante {pessoa2} disse que perdeu parte do estoque da loja."),
            ("Chuvas", "Defesa Civil"),
        ),
        Topic(
            "policia", "Polícia", "policia",
            ("Operação prende {n1} suspeitos de golpe contra idosos em {cidade}",
             "Polícia prende {n1} por golpes contra aposentados em {cidade}",
             "Golpe contra idosos: operação leva {n1} suspeitos à prisão em {cidade}"),
            ("Segundo a Polícia Civil, o grupo usava falsas centrais de atendimento para obter "
             "dados bancários das vítimas.",),
            ("O delegado {pessoa} afirmou que o prejuízo passa de {dinheiro}.",
             "Foram cumpridos {n4} mandados de busca e apreensão.",
             "Os investigadores apreenderam {n3} celulares e cadernos com anotações.",
             "A defesa dos suspeitos não foi localizada pela reportagem.",
             "A polícia orienta que vítimas procurem a delegacia mais próxima.",
             "A investigação começou há {n4} meses, após denúncias de familiares."),
            ("Polícia", "Golpes"),
        ),
        Topic(
            "cultura", "Cultura", "cultura",
            ("Festival em {cidade} reúne {n1} atrações e espera {n6} pessoas",
             "{cidade} recebe festival com {n1} atrações neste fim de semana",
             "Com {n1} atrações, festival movimenta {cidade}"),
            ("A programação foi divulgada {quando} e inclui shows gratuitos, teatro e oficinas.",),
            ("A curadoria ficou a cargo de {pessoa}, produtora cultural.",
             "Os ingressos para os shows pagos custam a partir de {dinheiro}.",
             "A cantora {pessoa2} fecha a programação no domingo.",
             "A prefeitura estima movimentar a economia local em {dinheiro}.",
             "Haverá intérprete de Libras em todas as apresentações."),
            ("Cultura", "Música"),
        ),
        Topic(
            "tecnologia", "Tecnologia", "tecnologia",
            ("Startup de {cidade} capta {dinheiro} para expandir aplicativo",
             "Aplicativo criado em {cidade} recebe aporte de {dinheiro}",
             "Empresa de {cidade} levanta {dinheiro} em nova rodada"),
            ("O aporte foi anunciado {quando} e deve financiar a contratação de {n3} pessoas.",),
            ("Fundada por {pessoa}, a empresa tem {n6} usuários ativos.",
             "Segundo {pessoa2}, sócia do fundo, o setor vive um momento de seleção.",
             "A meta é chegar a {n4} cidades até o fim do ano.",
             "O aplicativo usa inteligência artificial para organizar entregas.",
             "A empresa afirma que ainda não dá lucro, mas cresce {pct}% ao mês."),
            ("Tecnologia", "Startups"),
        ),
    )
}  # fmt: skip

#: How often each topic comes up: a cycle, rotated per outlet.
TOPIC_CYCLE = ("politica", "coreia", "economia", "esportes", "cidades", "russia", "saude",
               "policia", "bielorrussia", "cultura", "tecnologia", "economia")  # fmt: skip
WATCHLIST_TOPICS = frozenset({"coreia", "russia", "bielorrussia"})

FILLER = (
    "Em {cidade}, {pessoa2} disse que acompanha o caso com atenção desde {mes}.",
    "Um levantamento feito com {n3} entrevistados em {cidade} aponta preocupação crescente.",
    "{pessoa2} lembrou que situação parecida ocorreu em {cidade} há {n3} anos.",
    "A audiência pública marcada para o dia {n5} deve reunir representantes de {n3} entidades.",
    "O Ministério Público acompanha o caso e pode pedir informações em até {n4} dias.",
    "Segundo {pessoa3}, o tema exige cuidado e diálogo entre as partes.",
    "Uma reunião entre as partes está prevista para o dia {n5} de {mes}.",
    "O número representa alta de {pct2}% em relação ao mesmo período do ano passado.",
    "A comissão responsável deve divulgar um relatório com {n4} recomendações.",
    "Moradores de {cidade} ouvidos pela reportagem se dividem sobre o assunto.",
    "{pessoa3} afirmou que a decisão foi tomada com base em critérios técnicos.",
    "Até o momento, {n3} pedidos de informação foram protocolados.",
    "Uma consulta pública sobre o tema recebeu {n4} contribuições em {mes}.",
    "O assunto também foi debatido em audiência na assembleia legislativa, com {n3} convidados.",
    "Para {pessoa2}, é cedo para avaliar o impacto das mudanças.",
    "Em {mes}, um estudo com dados de {n4} cidades já apontava a mesma tendência.",
    "A nota técnica divulgada no dia {n5} traz {n3} páginas de análise.",
    "Representantes de {n3} associações assinaram uma carta conjunta sobre o tema.",
    "Uma nova rodada de conversas foi marcada para a semana que vem em {cidade}.",
    "O balanço mais recente indica variação de {pct2}% no período analisado.",
    "A reportagem procurou os envolvidos, mas não obteve resposta até a publicação.",
    "O caso deve ter novos desdobramentos nos próximos dias.",
    "Especialistas ouvidos pela reportagem divergem sobre os efeitos de longo prazo.",
    "Procurado, o órgão informou que vai se manifestar apenas nos autos.",
    "A informação foi confirmada por duas fontes que acompanham o assunto.",
    "Dados oficiais mostram que a situação se repete desde o início do ano.",
    "O tema voltou ao centro do debate público nas últimas semanas.",
    "Nas redes sociais, a repercussão foi imediata.",
    "A expectativa é que uma decisão seja tomada até o fim do mês.",
    "Há divergências sobre os números apresentados pelas partes.",
)

PARTIES = ("PT", "PL", "MDB", "PSD", "União Brasil", "PP", "PSB", "PSOL", "Republicanos", "PDT")
PARTIES_PT = ("PS", "PSD", "Chega", "IL", "BE", "PCP", "Livre", "CDS-PP")
PROJECTS = ("a reforma do ensino médio", "o novo marco do saneamento",
            "a regulamentação das plataformas digitais", "o programa de renegociação de dívidas",
            "a política nacional de cuidados", "o marco legal das ferrovias")  # fmt: skip
INDICATORS = (
    "IPCA",
    "índice de preços ao produtor",
    "custo da construção",
    "preço da cesta básica",
)
BANKS = ("Horizonte", "Atlântico Sul", "Meridiano", "Cruzeiro", "Planalto Capital")
CLUBS_BR = ("Palmeiras", "Flamengo", "Corinthians", "Grêmio", "Bahia", "Fortaleza", "Cruzeiro",
            "Atlético-MG", "Internacional", "Vasco", "Botafogo", "São Paulo")  # fmt: skip
MISSILES = ("balísticos", "de curto alcance", "de cruzeiro", "hipersônicos", "de médio alcance")
ORIGINS = ("europeias", "alemãs", "francesas", "polonesas", "britânicas", "italianas", "bálticas",
           "nórdicas", "holandesas", "checas")  # fmt: skip
CLUBS_PT = ("Benfica", "Sporting", "FC Porto", "Braga", "Vitória SC", "Boavista", "Famalicão")


@dataclass(frozen=True, slots=True)
class Story:
    """One story's words, before any outlet dresses it."""

    topic: Topic
    headlines: tuple[str, ...]  # three wording variants of one headline; [0] is the main one
    lead: str
    sentence: str  # distinctive: names the story's unique reference number
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    body_seed: int
    facts: dict[str, str]
    european: bool

    def paragraphs(self) -> tuple[str, ...]:
        """The body: 300 to 900 words in paragraphs of three or four sentences."""
        rng = random.Random(self.body_seed)
        target = rng.randint(300, 880)
        pool = list(self.topic.sentences) + list(FILLER)
        first = _fill(rng.choice(self.topic.sentences), self.facts, rng)
        sentences = [self.sentence]
        seen = {first, self.sentence}
        words = len(first.split()) + len(self.sentence.split())
        while words < target:
            rng.shuffle(pool)
            for template in pool[: rng.randint(4, 8)]:
                s = _vary(rng, _fill(template, self.facts, rng), template.startswith("{"))
                if s in seen:
                    continue
                seen.add(s)
                sentences.append(s)
                words += len(s.split())
                if words >= target:
                    break
        rng.shuffle(sentences)
        sentences.insert(0, first)
        paragraphs: list[str] = []
        i = 0
        while i < len(sentences):
            n = rng.randint(2, 4)
            paragraphs.append(" ".join(sentences[i : i + n]))
            i += n
        if self.european:
            paragraphs = [to_pt_pt(p) for p in paragraphs]
        return tuple(paragraphs)


_OPENERS = ("Além disso, ", "Por outro lado, ", "Ainda de acordo com a apuração, ",
            "Ao mesmo tempo, ", "Na avaliação de técnicos, ", "De acordo com relatos, ",
            "Em paralelo, ", "Na prática, ", "Desde então, ", "Naquele momento, ")  # fmt: skip
_TAILS = ("", "", "", "", "", "", "", "", "", " A informação foi publicada {n3} horas depois.",
          " O levantamento considera dados de {n4} municípios.",
          " A estimativa foi revisada {n3} vezes.",
          " O prazo termina em {n5} de {mes}.")  # fmt: skip


def _vary(rng: random.Random, sentence: str, proper_noun_first: bool) -> str:
    """Vary a sentence so that two stories of one topic share little text."""
    if not proper_noun_first and rng.random() < 0.45:
        sentence = rng.choice(_OPENERS) + sentence[0].lower() + sentence[1:]
    tail = rng.choice(_TAILS)
    if tail:
        sentence += tail.format(
            n3=rng.randint(2, 19), n4=rng.randint(11, 480), n5=rng.randint(1, 28),
            mes=rng.choice(MONTHS),
        )  # fmt: skip
    return sentence


def _fill(template: str, facts: dict[str, str], rng: random.Random | None = None) -> str:
    """Fill a template from the story's facts; with `rng`, vary the minor numbers and names."""
    if rng is None:
        return template.format(**facts)
    values = dict(facts)
    values["n3"] = str(rng.randint(3, 40))
    values["n4"] = str(rng.randint(2, 90))
    values["n5"] = str(rng.randint(1, 28))
    values["pct2"] = f"{rng.randint(1, 9)},{rng.randint(0, 9)}"
    values["mes"] = rng.choice(MONTHS)
    values["pessoa2"] = facts["pessoa2"] if rng.random() < 0.5 else facts["pessoa"]
    values["cidade"] = facts["cidade"] if rng.random() < 0.6 else facts["cidade2"]
    return template.format(**values)


class Newsdesk:
    """Writes stories for one locale ("BR" or "PT"), deterministically from a seed."""

    def __init__(self, seed: int, *, european: bool = False) -> None:
        self.seed = seed
        self.european = european

    def person(self, rng: random.Random) -> str:
        first, last = (FIRST_PT, LAST_PT) if self.european else (FIRST_BR, LAST_BR)
        return f"{rng.choice(first)} {rng.choice(last)}"

    def story(
        self, topic_key: str, serial: int, local_time: datetime, key: str, attempt: int = 0
    ) -> Story:
        """The story numbered `serial` (unique in the newsroom), published at `local_time`.

        A higher `attempt` draws from wider number ranges, so that thousands of stories
        can all have headlines of their own.
        """
        rng = random.Random(f"{self.seed}:{key}:{attempt}")
        topic = TOPICS[topic_key]
        facts = self._facts(rng, local_time, attempt)
        year = local_time.year
        reference = f"{serial // 1000 + 1}.{serial % 1000:03d}/{year}"
        place = facts["cidade"]
        sentence = (
            f"O documento, registrado sob o número {reference}, cita {facts['pessoa3']} como "
            f"responsável pelas informações reunidas em {place}."
        )
        headlines = tuple(_capital(_fill(h, facts)) for h in topic.headlines)
        lead = _fill(rng.choice(topic.leads), facts)
        if self.european:
            headlines = tuple(to_pt_pt(h) for h in headlines)
            lead, sentence = to_pt_pt(lead), to_pt_pt(sentence)
        authors = (
            (self.person(rng),) if rng.random() < 0.8 else (self.person(rng), self.person(rng))
        )
        return Story(
            topic=topic,
            headlines=headlines,
            lead=lead,
            sentence=sentence,
            authors=authors,
            tags=(*topic.tags, place),
            body_seed=rng.randrange(2**32),
            facts=facts,
            european=self.european,
        )

    def _facts(self, rng: random.Random, local_time: datetime, attempt: int) -> dict[str, str]:
        cities = CITIES_PT if self.european else CITIES_BR
        city, city2 = rng.choice(cities)[0], rng.choice(cities)[0]
        weekday = WEEKDAYS[local_time.weekday()]
        when = (
            f"nesta {weekday} ({local_time.day})"
            if not weekday.startswith(("sáb", "dom"))
            else (f"neste {weekday} ({local_time.day})")
        )
        money = rng.randint(2, 900)
        currency = f"{money} milhões de euros" if self.european else f"R$ {money} milhões"
        n1 = rng.randint(2, 9 + 40 * attempt)
        return {
            "pessoa": self.person(rng), "pessoa2": self.person(rng), "pessoa3": self.person(rng),
            "cidade": city, "cidade2": city2, "quando": when, "ano": str(local_time.year + 1),
            "casa": "Assembleia da República" if self.european
            else rng.choice(("Câmara", "Senado")),
            "partido": rng.choice(PARTIES_PT if self.european else PARTIES),
            "projeto": rng.choice(PROJECTS), "n1": str(n1),
            "n9": str(rng.randint(5, 140 + 200 * attempt)),
            "n3": str(rng.randint(3, 40)), "n4": str(rng.randint(2, 90)),
            "n5": str(rng.randint(1, 28)), "pct2": f"{rng.randint(1, 9)},{rng.randint(0, 9)}",
            "mm": str(rng.randint(40, 190)), "v1": str(rng.randint(257, 420)),
            "v2": str(rng.randint(20, 140)),
            "missil": rng.choice(MISSILES), "origem": rng.choice(ORIGINS),
            "n2": str(rng.randint(20, 140)), "n6": f"{rng.randint(2, 90)} mil",
            "n7": str(n7 := rng.randint(1, 4)), "n8": str(rng.randint(0, n7 - 1)),
            "pct": f"{rng.randint(0, 2)},{rng.randint(1, 99):02d}",
            "pct3": f"{rng.randint(3, 11)},{rng.randint(0, 9)}",
            "mes": MONTHS[(local_time.month - 2) % 12], "instituto": "IBGE" if not self.european
            else "INE", "indicador": rng.choice(INDICATORS), "banco": rng.choice(BANKS),
            "dinheiro": currency,
            "clube": (clubs := list(CLUBS_PT if self.european else CLUBS_BR)).pop(
                rng.randrange(len(clubs))
            ),
            "clube2": rng.choice(clubs),
        }  # fmt: skip


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def latin1_safe(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True
