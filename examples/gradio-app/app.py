"""A Gradio app: a text box whose words are counted."""

import gradio as gr


def count_words(text: str) -> str:
    words = text.split()
    return f"{len(words)} word(s)"


with gr.Blocks(title="gradio-app") as demo:
    gr.Markdown("# gradio-app")
    text = gr.Textbox(label="Text")
    result = gr.Textbox(label="Words")
    text.change(count_words, inputs=text, outputs=result)

if __name__ == "__main__":
    demo.launch()
