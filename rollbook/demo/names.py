"""Invented-people material: forenames and surnames that reflect the variety of an English
primary school, grouped by family background so that siblings, surnames and home languages
hang together. Any resemblance to real people is coincidental."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Background:
    key: str
    weight: float  # share of households
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    women: tuple[str, ...]  # parents' and carers' forenames
    men: tuple[str, ...]
    languages: tuple[str, ...] = ()  # home languages other than English
    eal: float = 0.0  # chance a household speaks another language at home
    eid: float = 0.0  # chance a household keeps Eid (religious observance, code R)


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BACKGROUNDS: tuple[Background, ...] = (
    Background(
        "british",
        0.58,
        _t(
            "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella "
            "Grace Daisy Sienna Poppy Elsie Evie Ella Harper Evelyn Matilda Millie Phoebe Esme "
            "Ruby Aria Maya Charlotte Emily Hallie Bonnie Edith Thea Lottie Orla Violet Imogen "
            "Erin Holly Megan Chloe Jessica Maisie Lucy"
        ),
        _t(
            "Noah Oliver George Leo Arthur Oscar Freddie Theodore Archie Harry Jack Henry "
            "Charlie Alfie Thomas Jacob Finley Teddy Tommy Albie Reggie Louie Ronnie Rory Hugo "
            "Max Joshua Ethan Isaac Alexander William James Edward Samuel Toby Harrison Jude "
            "Stanley Ollie Lewis Dylan Tyler Mason Kai Riley Owen"
        ),
        _t(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards Turner "
            "Hill Moore Cooper Ward Morris King Baker Harrison Morgan Lee Allen Bennett Carter "
            "Shaw Marshall Price Bailey Parker Cox Webb Dixon Fletcher Barnes Pearson Holmes "
            "Foster Chapman Mills Palmer Lloyd Hunt Ellis Payne Pritchard Hooper Griffiths"
        ),
        _t(
            "Sarah Emma Laura Rebecca Hannah Charlotte Gemma Kirsty Natalie Jodie Sophie "
            "Claire Joanne Kelly Stacey Lauren Amy Rachel Katie Vicky Danielle Leanne"
        ),
        _t(
            "James David Daniel Mark Paul Chris Matthew Lee Craig Adam Tom Ben Jamie Scott "
            "Ryan Gary Wayne Nathan Stuart Dean Carl Rob"
        ),
    ),
    Background(
        "irish_scottish_welsh",
        0.05,
        _t("Niamh Aoife Saoirse Ciara Eilidh Isla Orla Cerys Seren Mairi Rhiannon"),
        _t("Cillian Oisin Callum Ruairi Finn Cian Fraser Lachlan Rhys Dewi Euan"),
        _t(
            "Murphy Kelly O'Brien Byrne Doyle Walsh Campbell MacDonald Stewart Fraser "
            "Sinclair Jenkins Pugh Llewellyn"
        ),
        _t("Siobhan Aisling Fiona Kirsteen Morag Bethan Catrin Sinead"),
        _t("Declan Sean Ciaran Alasdair Hamish Gareth Iwan Padraig"),
    ),
    Background(
        "south_asian",
        0.12,
        _t(
            "Aisha Zara Maryam Inaya Hafsa Anaya Priya Diya Simran Amira Fatima Aleena "
            "Manahil Zoya Anika Ishani Jasleen Sana"
        ),
        _t(
            "Muhammad Ibrahim Yusuf Ayaan Zayn Arjun Aarav Rayan Hamza Rehan Kabir Dev "
            "Eesa Musa Vihaan Reyansh Harjot Zain"
        ),
        _t(
            "Khan Ahmed Hussain Ali Patel Shah Sharma Rahman Islam Chowdhury Iqbal Malik "
            "Begum Mistry Gill Sandhu Uddin Mahmood Singh Dhillon"
        ),
        _t("Samina Shabana Rukhsana Nadia Priya Asma Farzana Sunita Kiran Nazia Rupinder Shazia"),
        _t("Imran Tariq Sanjay Asif Rajesh Shahid Kamran Amarjit Nadeem Vikram Faisal Rizwan"),
        languages=_t("Urdu Punjabi Bengali Gujarati Tamil"),
        eal=0.55,
        eid=0.55,
    ),
    Background(
        "central_eastern_european",
        0.08,
        _t("Zofia Lena Maja Hanna Alicja Ioana Natalia Amelia Emilia Daria Milena"),
        _t("Jakub Antoni Filip Szymon Andrei Luca Mateo Stefan Aleksander Tymon Matei"),
        _t("Nowak Mazur Kaczmarek Wójcik Król Popescu Ionescu Dumitru Horvat Novak Stan"),
        _t("Agnieszka Ewa Katarzyna Magdalena Ioana Elena Andreea Ruta Petya"),
        _t("Piotr Marek Tomasz Pawel Andrei Mihai Bogdan Tomas Dimitar"),
        languages=_t("Polish Romanian Lithuanian Bulgarian"),
        eal=0.85,
    ),
    Background(
        "african_caribbean",
        0.10,
        _t(
            "Amara Adaeze Chioma Esi Ama Hodan Ifeoma Nia Zuri Precious Deborah Kemi "
            "Ayaan Naima Tiana Shanice"
        ),
        _t(
            "Chidi Tobi Kwame Kofi Tunde Emeka Abdirahman Daniel Samuel Elijah Kayden "
            "Jayden Malachi Zion Idris Mustafa"
        ),
        _t(
            "Okafor Adeyemi Mensah Osei Boateng Adebayo Okonkwo Mohamed Abdi Hassan "
            "Warsame Francis Grant Richards Clarke Bailey"
        ),
        _t("Chiamaka Folake Abena Hodan Ngozi Yetunde Amina Marcia Sharon Faduma"),
        _t("Olumide Kwabena Abdi Chukwuemeka Kwame Yusuf Delroy Winston Mohamed Babatunde"),
        languages=_t("Yoruba Igbo Twi Somali"),
        eal=0.35,
        eid=0.25,
    ),
    Background(
        "east_asian",
        0.03,
        _t("Mei Yan Linh Hana Jia Xin Anh"),
        _t("Hao Jun Minh Wei Bao Kenji Ethan"),
        _t("Chen Wang Li Zhang Nguyen Tran Kim Wong"),
        _t("Mei Linh Xiaoling Hoa Yuki Jing"),
        _t("Wei Duc Jian Tuan Hiroshi Ming"),
        languages=_t("Mandarin Cantonese Vietnamese"),
        eal=0.7,
    ),
    Background(
        "middle_eastern",
        0.04,
        _t("Elif Zeynep Layla Yasmin Noor Darya Leen Maria"),
        _t("Emir Omar Ali Kerem Adam Karim Yousef Aras"),
        _t("Yilmaz Demir Kaya Haddad Rahimi Ahmadi Aziz Karimi"),
        _t("Zeynep Leila Fatma Rania Shirin Huda"),
        _t("Mehmet Hassan Ahmet Khalid Reza Bilal"),
        languages=_t("Turkish Arabic Kurdish Farsi"),
        eal=0.8,
        eid=0.8,
    ),
)

FOSTER_SURNAMES = _t("Haywood Kendall Lawson Redfern Whitlock Ashworth")
FOSTER_WOMEN = _t("Janet Susan Karen Alison Denise")
FOSTER_MEN = _t("Keith Martin Steven Graham Philip")
PREFERRED = {
    "Alexander": "Alex",
    "Thomas": "Tom",
    "Samuel": "Sam",
    "Isabella": "Bella",
    "Theodore": "Teddy",
    "Aleksander": "Olek",
    "Matilda": "Tilly",
    "Florence": "Flo",
}
