"""factory_boy factories shared by all apps (apps keep their own in tests/<app>/factories.py)."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "kata-sandi-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"warga{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@contoh.id")
    first_name = factory.Faker("first_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])
        if create:
            self.save()
