"""A one-page Streamlit app: a title, a slider and a chart of the numbers it picks."""

import streamlit as st

st.set_page_config(page_title="streamlit-app")
st.title("streamlit-app")

count = st.slider("How many numbers", min_value=1, max_value=50, value=10)
squares = [number * number for number in range(count)]
st.line_chart(squares)
st.write(f"The sum of the first {count} squares is {sum(squares)}.")
