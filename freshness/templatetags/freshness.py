"""{% fresh "name" row [vary ...] %}…{% endfresh %}: a part of a page cached under the version
of `row`, so that it is made again as soon as `row` changes. Every cached fragment is keyed
here (freshness.pages.fragment_key); templates never compose keys."""

from django import template

from freshness.pages import cached_copy, caching_on, fragment_key, keep_copy

register = template.Library()


class FreshNode(template.Node):
    def __init__(self, nodelist, name, row, vary):
        self.nodelist, self.name, self.row, self.vary = nodelist, name, row, vary

    def render(self, context):
        if not caching_on():
            return self.nodelist.render(context)
        key = fragment_key(
            self.name.resolve(context),
            self.row.resolve(context),
            *(value.resolve(context) for value in self.vary),
        )
        content = cached_copy(key)
        if content is None:
            content = self.nodelist.render(context)
            keep_copy(key, content)
        return content


@register.tag
def fresh(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes a name and a row: {{% fresh 'x' row %}}"
        )
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    name, row, *vary = (parser.compile_filter(bit) for bit in bits[1:])
    return FreshNode(nodelist, name, row, vary)
